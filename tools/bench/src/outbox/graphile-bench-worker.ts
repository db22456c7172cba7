/*
 * One graphile-worker process of `npm run bench:outbox`: graphile-worker's runner with a no-op
 * task (`bench`) that reports which job it ran and when it started, exactly as our side's worker
 * (apps/worker/bench/outbox-bench-worker.ts) does. Configuration: OUTBOX_BENCH_WORKER (JSON,
 * GraphileWorkerConfig).
 */
import { performance } from 'node:perf_hooks';
import { Logger, run } from 'graphile-worker';
import type { GraphileWorkerConfig, WorkerMessage } from './protocol';

const REPORT_EVERY_MS = 20;

const send = (message: WorkerMessage): void => {
  if (!process.send) throw new Error('graphile-bench-worker runs as a child of the bench, with an IPC channel');
  process.send(message);
};

const ran: number[] = [];
const startedAt: number[] = [];
let stopped = false;
function flush(): void {
  if (ran.length === 0) return;
  send({ type: 'ran', ids: ran.splice(0), startedAt: startedAt.splice(0) });
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env['OUTBOX_BENCH_WORKER'] ?? '') as GraphileWorkerConfig;
  const runner = await run({
    connectionString: config.connectionString,
    maxPoolSize: config.poolSize,
    concurrency: config.concurrency,
    pollInterval: config.pollMs,
    noHandleSignals: true,
    logger: new Logger(() => () => undefined),
    taskList: {
      bench: async (payload) => {
        startedAt.push(performance.timeOrigin + performance.now());
        ran.push((payload as { n: number }).n);
      },
    },
    preset: { worker: config.preset },
  });
  const reporter = setInterval(flush, REPORT_EVERY_MS);
  process.on('message', (message: { type?: string }) => {
    if (message.type !== 'stop') return;
    runner
      .stop()
      .then(() => {
        clearInterval(reporter);
        flush();
        send({ type: 'stopped' });
        stopped = true;
        process.disconnect();
      })
      .catch((error: unknown) => {
        process.stderr.write(`graphile-bench-worker failed to stop: ${String(error)}\n`);
        process.exit(1);
      });
  });
  // A bench that died without stopping us (Ctrl-C, a crash) must not leave this process behind.
  process.on('disconnect', () => {
    if (!stopped) process.exit(1);
  });
  send({ type: 'ready', pid: process.pid });
}

main().catch((error: unknown) => {
  process.stderr.write(`graphile-bench-worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
