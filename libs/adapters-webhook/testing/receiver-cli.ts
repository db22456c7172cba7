/**
 * `npm run receiver`: a webhook receiver to point a webhook sink at while trying deploys
 * (README "Deploy walk-through"). It answers like a correct receiver (200 for a higher revision,
 * 409 for one it holds or has passed) and prints one line per delivery.
 * Settings: RECEIVER_PORT (default 3999).
 */
import { startWebhookReceiver } from './receiver';

async function main(): Promise<void> {
  const port = Number(process.env['RECEIVER_PORT'] ?? 3999);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`RECEIVER_PORT must be a port number, got ${JSON.stringify(process.env['RECEIVER_PORT'])}`);
  const receiver = await startWebhookReceiver({ port });
  let printed = 0;
  process.stdout.write(`webhook receiver on ${receiver.url} (set PERSONALIZE_WEBHOOK_URL=${receiver.url})\n`);
  const timer = setInterval(() => {
    const deliveries = receiver.deliveries();
    for (const delivery of deliveries.slice(printed)) {
      const body = delivery.body as { docId?: string; op?: string; version?: number; revision?: number; document?: unknown } | undefined;
      process.stdout.write(
        `${delivery.status} ${body?.op ?? '?'} ${body?.docId ?? '?'} version ${body?.version ?? '?'} revision ${body?.revision ?? '?'} ${JSON.stringify(body?.document ?? null)}\n`,
      );
    }
    printed = deliveries.length;
  }, 200);
  const stop = () => {
    clearInterval(timer);
    void receiver.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
