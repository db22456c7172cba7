/*
 * One worker process of `npm run bench:outbox` (tools/bench/src/outbox-bench.ts): our worker
 * runtime (`startWorker`) on the PostgreSQL outbox, with a no-op handler that reports which task
 * it ran and when it started (wall clock, sub-millisecond) over the IPC channel the bench opened.
 * graphile-worker's side is tools/bench/src/outbox/graphile-bench-worker.ts; both speak the same
 * messages (tools/bench/src/outbox/protocol.ts), which this file repeats because an app does not
 * import a tool.
 *
 * Configuration: OUTBOX_BENCH_WORKER, JSON { connectionString, concurrency, poolSize, pollMs,
 * prefetch, claimBatchSize, settleBatchSize, settleFlushMs }.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { openPostgres } from '@ivm/adapters-postgres';
import type { TaskHandler } from '@ivm/application';
import type { OutboxStore } from '@ivm/domain';
import { startWorker, workerSettings } from '@ivm/runtime';

interface Config {
  readonly connectionString: string;
  readonly concurrency: number;
  readonly poolSize: number;
  readonly pollMs: number;
  readonly prefetch: number;
  readonly claimBatchSize: number;
  readonly settleBatchSize: number;
  readonly settleFlushMs: number;
}

/** Task ids are `bench-<n>`; the bench's own numbering. */
const TASK_ID_PREFIX = 'bench-';
const REPORT_EVERY_MS = 20;

const send = (message: unknown): void => {
  if (!process.send) throw new Error('outbox-bench-worker runs as a child of the bench, with an IPC channel');
  process.send(message);
};

/** Runs and start times not yet reported; flushed every REPORT_EVERY_MS. */
const ran: number[] = [];
const startedAt: number[] = [];
let stopped = false;
function flush(): void {
  if (ran.length === 0) return;
  send({ type: 'ran', ids: ran.splice(0), startedAt: startedAt.splice(0) });
}

/** The store's calls, counted (claims and their sizes, settles and theirs). */
function counting(outbox: OutboxStore, calls: Record<string, { calls: number; items: number }>): OutboxStore {
  const count = (name: string, items: number): void => {
    const entry = (calls[name] ??= { calls: 0, items: 0 });
    entry.calls += 1;
    entry.items += items;
  };
  return new Proxy(outbox, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return async (...args: unknown[]) => {
        const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        count(property, Array.isArray(result) ? result.length : 1);
        return result;
      };
    },
  });
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env['OUTBOX_BENCH_WORKER'] ?? '') as Config;
  const postgres = await openPostgres({ connectionString: config.connectionString, poolSize: config.poolSize, applicationName: 'outbox-bench-ours' });
  const calls: Record<string, { calls: number; items: number }> = {};
  const handler: TaskHandler = {
    run: async ({ task }) => {
      startedAt.push(performance.timeOrigin + performance.now());
      ran.push(Number(task.taskId.slice(TASK_ID_PREFIX.length)));
      return undefined;
    },
    onFinalFailure: () => undefined,
  };
  const worker = await startWorker({
    outbox: counting(postgres.outbox, calls),
    wakeups: postgres.wakeups,
    handlers: { COMPILE_TASK: handler, SHIP_TASK: handler },
    settings: workerSettings({
      owner: `outbox-bench:${process.pid}:${randomUUID().slice(0, 8)}`,
      concurrency: config.concurrency,
      prefetch: config.prefetch,
      claimBatchSize: config.claimBatchSize,
      settleBatchSize: config.settleBatchSize,
      settleFlushMs: config.settleFlushMs,
      pollMs: config.pollMs,
    }),
  });
  const reporter = setInterval(flush, REPORT_EVERY_MS);
  process.on('message', (message: { type?: string }) => {
    if (message.type !== 'stop') return;
    (async () => {
      const report = await worker.stop();
      await postgres.close();
      clearInterval(reporter);
      flush();
      send({ type: 'stopped', report, calls });
      stopped = true;
      process.disconnect();
    })().catch((error: unknown) => {
      process.stderr.write(`outbox-bench-worker failed to stop: ${String(error)}\n`);
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
  process.stderr.write(`outbox-bench-worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
