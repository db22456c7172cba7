/*
 * What the Effect runtime costs per task: the worker runtime (`startWorker`) against a plain-promise
 * loop that does the same work — claim up to the idle slots, run, settle in batches, heartbeat —
 * both on an instant in-memory outbox with a no-op handler, so all that is measured is the
 * runtimes themselves. Prints wall time and CPU time per task (median of the runs).
 *
 *   npx tsx apps/worker/bench/effect-overhead.ts [tasks=20000] [concurrency=8] [runs=5]
 */
import { performance } from 'node:perf_hooks';
import type { TaskHandler, TaskHandlers } from '@ivm/application';
import { nextOutcome, type ClaimedTask, type FencedResult, type Lease, type OutboxStore, type OutboxTask, type Settlement } from '@ivm/domain';
import { startWorker, workerSettings } from '@ivm/runtime';

const [tasks = 20_000, concurrency = 8, runs = 5] = process.argv.slice(2).map(Number);
const BATCH = 64;
const FLUSH_MS = 1;
const LEASE_MS = 30_000;

/** An instant outbox of `n` pending tasks: claim pops, settle counts. Both runners share it. */
class InstantOutbox implements Partial<OutboxStore> {
  private next = 0;
  settled = 0;
  claims = 0;
  settles = 0;
  constructor(private readonly n: number) {}
  claim(owner: string, limit: number): Promise<readonly ClaimedTask[]> {
    this.claims += 1;
    const out: ClaimedTask[] = [];
    while (out.length < limit && this.next < this.n) {
      const i = this.next++;
      const task: OutboxTask = {
        taskId: `t${i}`,
        type: 'COMPILE_TASK',
        status: 'RUNNING',
        payload: { tenantId: 'bench', jobId: `j${i}`, entities: [{ entityKey: 'product#1', version: 1 }], sinkIds: [] },
        attempt: 1,
        maxAttempts: 10,
        leaseOwner: owner,
        leaseUntil: 0,
        createdAt: 0,
        runAfter: 0,
        lastError: null,
      };
      out.push({ task, lease: { taskId: task.taskId, token: `k${i}` }, waitedMs: 0 });
    }
    return Promise.resolve(out);
  }
  settle(settlements: readonly Settlement[]): Promise<readonly FencedResult[]> {
    this.settles += 1;
    this.settled += settlements.length;
    return Promise.resolve(settlements.map(() => 'applied' as const));
  }
  heartbeat(leases: readonly Lease[]): Promise<readonly FencedResult[]> {
    return Promise.resolve(leases.map(() => 'applied' as const));
  }
  release(leases: readonly Lease[]): Promise<readonly FencedResult[]> {
    return Promise.resolve(leases.map(() => 'applied' as const));
  }
  reap(): Promise<readonly OutboxTask[]> {
    return Promise.resolve([]);
  }
  prune(): Promise<number> {
    return Promise.resolve(0);
  }
  get done(): boolean {
    return this.settled >= this.n;
  }
}

const noop: TaskHandler = { run: () => Promise.resolve(undefined), onFinalFailure: () => undefined };
const handlers: TaskHandlers = { COMPILE_TASK: noop, SHIP_TASK: noop };

async function effectRunner(outbox: InstantOutbox): Promise<void> {
  const worker = await startWorker({
    outbox: outbox as unknown as OutboxStore,
    handlers,
    settings: workerSettings({ owner: 'bench', concurrency, leaseMs: LEASE_MS, settleBatchSize: BATCH, settleFlushMs: FLUSH_MS, pollMs: 1_000 }),
  });
  while (!outbox.done) await new Promise((resolve) => setImmediate(resolve));
  await worker.stop();
}

/** The same loop without Effect: slots, claim by idle slots, run, batched settle, heartbeats. */
async function plainRunner(outbox: InstantOutbox): Promise<void> {
  let running = 0;
  let slotFreed: (() => void) | undefined;
  const held = new Map<string, Lease>();
  const pending: { settlement: Settlement; resolve: (r: FencedResult) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = pending.splice(0, BATCH);
    if (batch.length === 0) return;
    outbox.settle(batch.map((p) => p.settlement)).then(
      (results) => batch.forEach((p, i) => p.resolve(results[i] ?? 'fenced')),
      () => batch.forEach((p) => p.resolve('fenced')),
    );
  };
  const settle = (settlement: Settlement): Promise<FencedResult> =>
    new Promise((resolve) => {
      pending.push({ settlement, resolve });
      if (pending.length >= BATCH) flush();
      else timer ??= setTimeout(flush, FLUSH_MS);
    });
  const heartbeat = setInterval(() => void outbox.heartbeat([...held.values()]), LEASE_MS / 3);
  const run = async (claimed: ClaimedTask): Promise<void> => {
    const controller = new AbortController();
    let settlement: Settlement;
    try {
      const followUp = await noop.run(claimed, controller.signal);
      settlement = followUp ? { kind: 'OK', lease: claimed.lease, followUp } : { kind: 'OK', lease: claimed.lease };
    } catch (error) {
      const outcome = nextOutcome(claimed.task, error);
      settlement =
        outcome.kind === 'RETRY'
          ? { kind: 'RETRY', lease: claimed.lease, delayMs: outcome.delayMs, error: outcome.error }
          : { kind: 'OK', lease: claimed.lease };
    }
    running -= 1;
    slotFreed?.();
    await settle(settlement);
    held.delete(claimed.lease.token);
  };
  const inFlight = new Set<Promise<void>>();
  for (;;) {
    const idle = concurrency - running;
    if (idle === 0) {
      await new Promise<void>((resolve) => (slotFreed = resolve));
      continue;
    }
    const claimed = await outbox.claim('bench', idle);
    if (claimed.length === 0) break;
    running += claimed.length;
    for (const c of claimed) {
      held.set(c.lease.token, c.lease);
      const p = run(c);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
  }
  await Promise.all(inFlight);
  clearInterval(heartbeat);
}

async function measure(
  name: string,
  runner: (outbox: InstantOutbox) => Promise<void>,
): Promise<{ wallUs: number; cpuUs: number; claims: number; settles: number }> {
  const samples: { wallUs: number; cpuUs: number; claims: number; settles: number }[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const outbox = new InstantOutbox(tasks);
    const cpu = process.cpuUsage();
    const start = performance.now();
    await runner(outbox);
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    if (i > 0) samples.push({ wallUs: (wall * 1_000) / tasks, cpuUs: (used.user + used.system) / tasks, claims: outbox.claims, settles: outbox.settles }); // run 0 warms up
  }
  const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  const result = {
    wallUs: median(samples.map((s) => s.wallUs)),
    cpuUs: median(samples.map((s) => s.cpuUs)),
    claims: median(samples.map((s) => s.claims)),
    settles: median(samples.map((s) => s.settles)),
  };
  process.stdout.write(
    `${name.padEnd(14)} wall ${result.wallUs.toFixed(1).padStart(6)} µs/task   cpu ${result.cpuUs.toFixed(1).padStart(6)} µs/task   claims ${result.claims}   settles ${result.settles}\n`,
  );
  return result;
}

async function main(): Promise<void> {
  process.stdout.write(`${tasks} no-op tasks, concurrency ${concurrency}, settle batches of ${BATCH} or ${FLUSH_MS} ms, median of ${runs} runs\n`);
  const plain = await measure('plain promises', plainRunner);
  const effect = await measure('effect', effectRunner);
  process.stdout.write(
    `effect − plain: ${(effect.cpuUs - plain.cpuUs).toFixed(1)} µs CPU per task (×${(effect.cpuUs / plain.cpuUs).toFixed(2)}), ${(effect.wallUs - plain.wallUs).toFixed(1)} µs wall per task\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
