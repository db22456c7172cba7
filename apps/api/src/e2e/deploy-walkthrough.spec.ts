import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startWebhookReceiver, type WebhookReceiver } from '@ivm/adapters-webhook/testing';
import { instrumentExpectations, readmeShBlock } from '@ivm/runtime/testing/readme-script';
import { type NpmStart, ROOT, startNpmStart } from './process-helpers';

/*
 * The README's deploy walk-through, run as written against `npm start` (a real process on
 * embedded engines, with its in-process worker) and a webhook receiver: every `# → fragment`
 * under a command must appear in that command's output.
 */

describe('README deploy walk-through (npm start, as a process)', () => {
  let receiver: WebhookReceiver;
  let api: NpmStart;
  let dataDir: string;
  let port: number;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    // The README's environment: no keys (the dev key), embedded engines; only the port and data directory are the test's.
    api = await startNpmStart({ PERSONALIZE_WEBHOOK_URL: receiver.url });
    ({ port, dataDir } = api);
  }, 120_000);

  afterAll(async () => {
    await api.stop();
    await receiver.close();
  }, 60_000);

  it('works as written', async () => {
    const { script, expectations } = instrumentExpectations(readmeShBlock(await readFile(join(ROOT, 'README.md'), 'utf8'), '### Deploy walk-through', 1));
    const jobFile = join(dataDir, 'job.json');
    const runnable = script.replaceAll('http://localhost:3000', `http://127.0.0.1:${port}`).replaceAll('/tmp/ivm-job', jobFile);
    const output = await new Promise<string>((done, fail) =>
      execFile('bash', ['-eu', '-o', 'pipefail', '-c', runnable], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) =>
        error ? fail(new Error(`the walk-through failed: ${error.message}\n${stdout}\n${stderr}`)) : done(stdout),
      ),
    );
    const segments = output.split(/^@@CHECK \d+$/m);
    expect(segments.length - 1).toBe(expectations.length);
    expectations.forEach((fragments, i) => {
      for (const fragment of fragments) expect({ step: i, output: segments[i] }).toEqual({ step: i, output: expect.stringContaining(fragment) });
    });
    // The receiver saw SKU-1 at version 1 twice (the launch, then the rename), the rename with a higher revision.
    const skuDeliveries = receiver
      .deliveries()
      .map((d) => d.body as { docId: string; version: number; revision: number; document?: { brand_name?: string } })
      .filter((b) => b.docId === 'demo:SKU-1');
    expect(skuDeliveries.map((b) => [b.version, b.document?.brand_name])).toEqual([
      [1, 'Acme'],
      [1, 'Acme Corp'],
    ]);
    expect(skuDeliveries[1]?.revision).toBeGreaterThan(skuDeliveries[0]?.revision ?? Infinity);
    // The in-process worker's metrics are on the API's /metrics.
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/ivm_worker_tasks_total\{type="SHIP_TASK",outcome="ok"\} [1-9]/);
    expect(metrics).toContain('ivm_worker_claim_to_start_seconds_bucket');
  }, 90_000);
});
