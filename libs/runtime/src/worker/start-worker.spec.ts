import type { TaskHandler } from '@ivm/application';
import {
  backoffDelayMs,
  ConcurrencyConflictError,
  DEFAULT_RETRY_POLICY,
  InvariantViolationError,
  jitteredDelayMs,
  LeaseLostError,
  retryPolicy,
  TransientError,
  type ClaimedTask,
  type FollowUp,
  type TaskError,
} from '@ivm/domain';
import { everyType, MemoryWorld, sleep, spec, until } from '../../testing/worker-harness';
import { WorkerStoppingError } from './run-task';

const ok: TaskHandler = { run: async () => undefined, onFinalFailure: () => undefined };
const failing = (error: () => unknown, finals: { status: string; error: TaskError }[] = []): TaskHandler => ({
  run: async () => {
    throw error();
  },
  onFinalFailure: (claimed, status, error) => {
    finals.push({ status, error });
    return { steps: [], enqueue: [spec(`after-${status}-${claimed.task.payload.jobId}`, { type: 'SHIP_TASK' })] };
  },
});

/** A handler whose runs wait until their gate is opened, counting the runs under way and the most at once. */
function gatedHandler() {
  const gated = {
    running: 0,
    maxRunning: 0,
    gates: [] as (() => void)[],
    handler: {
      run: () =>
        new Promise<undefined>((resolve) => {
          gated.running += 1;
          gated.maxRunning = Math.max(gated.maxRunning, gated.running);
          gated.gates.push(() => {
            gated.running -= 1;
            resolve(undefined);
          });
        }),
      onFinalFailure: () => undefined,
    } as TaskHandler,
  };
  return gated;
}

describe('worker runtime (in-memory stores)', () => {
  let world: MemoryWorld;
  beforeEach(() => {
    world = new MemoryWorld();
  });
  afterEach(() => world.stopAll());

  it('runs every task once and settles OK with the follow-up in the same settlement', async () => {
    const runs: string[] = [];
    const handler: TaskHandler = {
      run: async (claimed): Promise<FollowUp> => {
        runs.push(claimed.task.taskId);
        return { steps: [], enqueue: [spec(`ship-${claimed.task.payload.jobId}`, { type: 'SHIP_TASK' })] };
      },
      onFinalFailure: () => undefined,
    };
    const ids = await world.enqueue(['a', 'b', 'c']);
    await world.start({ COMPILE_TASK: handler, SHIP_TASK: ok });
    await until(async () => (await world.deploys.outbox.list('SUCCESS', 10)).length === 6, 5_000, 'compiles and their ships');
    expect(runs.sort()).toEqual([...ids].sort());
    for (const job of ['a', 'b', 'c']) expect((await world.task(spec(`ship-${job}`, { type: 'SHIP_TASK' }).taskId)).status).toBe('SUCCESS');
    expect(world.metrics.outcomes.get('COMPILE_TASK/ok')).toBe(3);
    expect(world.metrics.latencies).toHaveLength(6);
  });

  it('retries a transient failure after exactly the jittered backoff of retry.ts (database time), then DEAD with the final-failure follow-up', async () => {
    const policy = retryPolicy({ baseDelayMs: 1_000 });
    const finals: { status: string; error: TaskError }[] = [];
    const [taskId = ''] = await world.enqueue(['r'], { maxAttempts: 3 });
    await world.start({ COMPILE_TASK: failing(() => new TransientError('throttled'), finals), SHIP_TASK: ok }, { retry: policy });
    for (let attempt = 1; attempt <= 2; attempt++) {
      await until(async () => (await world.task(taskId)).attempt === attempt && (await world.task(taskId)).status === 'PENDING', 5_000, `retry ${attempt}`);
      const delay = jitteredDelayMs(backoffDelayMs(attempt, policy), taskId, attempt, policy.jitterRatio);
      expect((await world.task(taskId)).runAfter - world.clock.now()).toBe(delay);
      world.clock.advance(delay - 1);
      await sleep(80); // four poll periods: not claimable yet
      expect((await world.task(taskId)).attempt).toBe(attempt);
      world.clock.advance(1);
    }
    await until(async () => (await world.task(taskId)).status === 'DEAD', 5_000, 'DEAD');
    expect((await world.task(taskId)).attempt).toBe(3);
    expect(finals).toEqual([{ status: 'DEAD', error: { code: 'TRANSIENT', message: 'throttled' } }]);
    expect((await world.task(spec('after-DEAD-r', { type: 'SHIP_TASK' }).taskId)).status).not.toBe('DEAD');
    expect(world.calls.settles.flat().map((s) => s.kind)).toEqual(['RETRY', 'RETRY', 'DEAD']);
    expect(world.metrics.outcomes.get('COMPILE_TASK/retry')).toBe(2);
    expect(world.metrics.outcomes.get('COMPILE_TASK/dead')).toBe(1);
  });

  it('fails an invariant violation at once: FAILED on the first attempt, no retry', async () => {
    const finals: { status: string; error: TaskError }[] = [];
    const [taskId = ''] = await world.enqueue(['bad']);
    await world.start({ COMPILE_TASK: failing(() => new InvariantViolationError('broken'), finals), SHIP_TASK: ok });
    await until(async () => (await world.task(taskId)).status === 'FAILED', 5_000, 'FAILED');
    expect((await world.task(taskId)).attempt).toBe(1);
    expect(finals.map((f) => f.status)).toEqual(['FAILED']);
    expect((await world.task(spec('after-FAILED-bad', { type: 'SHIP_TASK' }).taskId)).status).toBeDefined();
  });

  it('retries a concurrency conflict soon (the conflict wait), and it succeeds once the other side is done', async () => {
    let tries = 0;
    const handler: TaskHandler = {
      run: async () => {
        tries += 1;
        if (tries === 1) throw new ConcurrencyConflictError('single-flight held');
        return undefined;
      },
      onFinalFailure: () => undefined,
    };
    const [taskId = ''] = await world.enqueue(['c']);
    await world.start(everyType(handler));
    await until(async () => (await world.task(taskId)).status === 'PENDING' && tries === 1, 5_000, 'conflict retry');
    const delay = jitteredDelayMs(DEFAULT_RETRY_POLICY.conflictDelayMs, taskId, 1, DEFAULT_RETRY_POLICY.jitterRatio);
    expect((await world.task(taskId)).runAfter - world.clock.now()).toBe(delay);
    world.clock.advance(delay);
    await until(async () => (await world.task(taskId)).status === 'SUCCESS', 5_000, 'SUCCESS');
    expect(tries).toBe(2);
  });

  it('settles FAILED even when onFinalFailure throws (without its steps)', async () => {
    const handler: TaskHandler = {
      run: async () => {
        throw new InvariantViolationError('broken');
      },
      onFinalFailure: () => {
        throw new Error('bug in the handler');
      },
    };
    const [taskId = ''] = await world.enqueue(['f']);
    await world.start(everyType(handler));
    await until(async () => (await world.task(taskId)).status === 'FAILED', 5_000, 'FAILED');
  });

  it('aborts a run whose heartbeat is fenced (the lease went to another attempt); its late settle is refused', async () => {
    let reason: unknown;
    const handler: TaskHandler = {
      run: (_claimed, signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => {
            reason = signal.reason;
            reject(signal.reason as Error);
          }),
        ),
      onFinalFailure: () => undefined,
    };
    const [taskId = ''] = await world.enqueue(['h']);
    // One slot, busy with the stuck run: the worker cannot take the task back itself.
    await world.start(everyType(handler), { concurrency: 1, leaseMs: 300, reapEveryMs: 60_000 });
    await until(async () => (await world.task(taskId)).status === 'RUNNING', 5_000, 'claimed');
    world.clock.advance(301);
    expect((await world.deploys.outbox.reap(10)).map((t) => t.status)).toEqual(['PENDING']);
    const [intruder] = await world.deploys.outbox.claim('intruder', 1, 60_000);
    expect(intruder?.task.taskId).toBe(taskId);
    await until(() => reason !== undefined, 2_000, 'abort');
    expect(reason).toBeInstanceOf(LeaseLostError);
    await until(() => world.metrics.outcomes.get('COMPILE_TASK/fenced') === 1, 2_000, 'fenced settle');
    expect(await world.task(taskId)).toMatchObject({ status: 'RUNNING', leaseOwner: 'intruder', attempt: 2 });
    expect(world.calls.heartbeats.some((h) => h.results.includes('fenced'))).toBe(true);
  });

  it('heartbeats every lease in one call, keeping long runs leased past their first lease', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handler: TaskHandler = { run: () => gate.then(() => undefined), onFinalFailure: () => undefined };
    const ids = await world.enqueue(['l1', 'l2', 'l3']);
    await world.start(everyType(handler), { leaseMs: 300 });
    await until(() => world.calls.heartbeats.some((h) => h.leases.length === 3), 2_000, 'a heartbeat for all three');
    world.clock.advance(200);
    await sleep(250); // two more heartbeats: the leases now run past the first lease's end
    world.clock.advance(200);
    expect(await world.deploys.outbox.reap(10)).toEqual([]);
    release();
    await until(async () => (await Promise.all(ids.map((id) => world.task(id)))).every((t) => t.status === 'SUCCESS'), 2_000, 'done');
  });

  it('claims in batches of at most the idle slots, and a wake-up rouses only as many as were announced', async () => {
    const gated = gatedHandler();

    const violations: string[] = [];
    await world.start(everyType(gated.handler), { concurrency: 3, pollMs: 60_000 }, (limit) => {
      if (limit + gated.running > 3) violations.push(`limit ${limit} with ${gated.running} running`);
    });
    await until(() => world.calls.claims.length === 1, 2_000, 'the boot claim');
    expect(world.calls.claims[0]).toEqual({ limit: 3, got: 0 });
    await world.enqueue(['w1']);
    await until(() => gated.running === 1, 2_000, 'one run');
    expect(world.calls.claims[1]).toEqual({ limit: 1, got: 1 });
    await world.enqueue(['w2', 'w3', 'w4', 'w5', 'w6']);
    await until(() => gated.running === 3, 2_000, 'slots full');
    expect(world.calls.claims.at(-1)).toEqual({ limit: 2, got: 2 });
    while (gated.gates.length > 0 || gated.running > 0) {
      gated.gates.shift()?.();
      await sleep(5);
    }
    await until(async () => (await world.deploys.outbox.list('SUCCESS', 10)).length === 6, 2_000, 'all six');
    expect(violations).toEqual([]);
    expect(gated.maxRunning).toBe(3);
    expect(Math.max(...world.calls.claims.map((c) => c.limit))).toBeLessThanOrEqual(3);
  });

  it('with claimBatchSize below the idle slots, splits one claim into calls of that size sent together', async () => {
    const gates: (() => void)[] = [];
    const handler: TaskHandler = { run: () => new Promise<undefined>((resolve) => gates.push(() => resolve(undefined))), onFinalFailure: () => undefined };
    await world.enqueue(['c1', 'c2', 'c3', 'c4', 'c5']);
    await world.start(everyType(handler), { concurrency: 4, claimBatchSize: 1, pollMs: 60_000 });
    await until(() => gates.length === 4, 2_000, 'four runs');
    expect(world.calls.claims.slice(0, 4)).toEqual(Array.from({ length: 4 }, () => ({ limit: 1, got: 1 })));
    while (gates.length > 0) {
      gates.shift()?.();
      await sleep(5);
    }
    await until(async () => (await world.deploys.outbox.list('SUCCESS', 10)).length === 5, 2_000, 'all five');
    expect(Math.max(...world.calls.claims.map((c) => c.limit))).toBe(1);
  });

  it('with prefetch, claims ahead of the free slots in one call, runs at most `concurrency` at once, and starts queued tasks as slots free', async () => {
    const gated = gatedHandler();

    await world.enqueue(['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8']);
    const worker = await world.start(everyType(gated.handler), { concurrency: 2, prefetch: 4, pollMs: 60_000 });
    await until(() => gated.running === 2, 2_000, 'two runs');
    expect(world.calls.claims[0]).toEqual({ limit: 6, got: 6 });
    expect(worker.inFlight()).toBe(6);
    // Queued leases are heartbeated with the running ones.
    await until(() => world.calls.heartbeats.some((beat) => beat.leases.length === 6), 2_000, 'a heartbeat of all six leases');
    while (gated.gates.length > 0 || gated.running > 0) {
      gated.gates.shift()?.();
      await sleep(5);
    }
    await until(async () => (await world.deploys.outbox.list('SUCCESS', 10)).length === 8, 2_000, 'all eight');
    expect(gated.maxRunning).toBe(2);
    expect(world.calls.claims.filter((claim) => claim.got > 0)).toHaveLength(2);
  });

  it('a stop releases the tasks claimed ahead at once, while the running ones finish within the grace period', async () => {
    const gates: (() => void)[] = [];
    const handler: TaskHandler = { run: () => new Promise<undefined>((resolve) => gates.push(() => resolve(undefined))), onFinalFailure: () => undefined };
    const ids = await world.enqueue(['r1', 'r2', 'r3', 'r4', 'r5']);
    const worker = await world.start(everyType(handler), { concurrency: 2, prefetch: 3, pollMs: 60_000 });
    await until(() => gates.length === 2, 2_000, 'two runs');
    const stopping = worker.stop();
    await until(() => world.calls.releases.length === 1, 2_000, 'the early release');
    expect(world.calls.releases[0]).toHaveLength(3);
    const statuses = await Promise.all(ids.map(async (id) => (await world.task(id)).status));
    expect(statuses.filter((status) => status === 'PENDING')).toHaveLength(3);
    for (const gate of gates.splice(0)) gate();
    expect(await stopping).toEqual({ finished: 2, released: 3 });
    expect((await world.deploys.outbox.list('SUCCESS', 10)).length).toBe(2);
    for (const id of ids) if ((await world.task(id)).status === 'PENDING') expect((await world.task(id)).attempt).toBe(0);
  });

  it('settles many tasks in one settle call', async () => {
    await world.enqueue(Array.from({ length: 16 }, (_, i) => `s${i}`));
    await world.start(everyType(ok), { concurrency: 16, settleFlushMs: 20 });
    await until(async () => (await world.deploys.outbox.list('SUCCESS', 20)).length === 16, 2_000, 'all');
    expect(world.calls.settles.flat()).toHaveLength(16);
    expect(world.calls.settles.length).toBeLessThanOrEqual(2);
  });

  it('a settlement the store refuses (an illegal job step) does not hold back the rest of its batch', async () => {
    const handler: TaskHandler = {
      run: async (claimed: ClaimedTask) =>
        claimed.task.payload.jobId === 'poison' ? { steps: [{ tenantId: 't', jobId: 'no-such-job', from: 'RUNNING', to: 'READY' }], enqueue: [] } : undefined,
      onFinalFailure: () => undefined,
    };
    const ids = await world.enqueue(['p1', 'poison', 'p2', 'p3']);
    await world.start(everyType(handler), { settleFlushMs: 20 });
    await until(async () => (await world.deploys.outbox.list('SUCCESS', 10)).length === 3, 2_000, 'the other three');
    expect((await world.task(ids[1] ?? '')).status).toBe('RUNNING'); // its lease will expire and the reaper takes it back
  });

  it('graceful stop: a run that ends within the grace period is settled', async () => {
    const handler: TaskHandler = { run: () => sleep(100).then(() => undefined), onFinalFailure: () => undefined };
    const [taskId = ''] = await world.enqueue(['g']);
    // One slot: 'late' waits for it, and it frees only during the grace period, when nothing is claimed any more.
    const worker = await world.start(everyType(handler), { concurrency: 1 });
    await until(async () => (await world.task(taskId)).status === 'RUNNING', 2_000, 'claimed');
    await world.enqueue(['late']);
    const report = await worker.stop();
    expect(report).toEqual({ finished: 1, released: 0 });
    expect((await world.task(taskId)).status).toBe('SUCCESS');
    expect((await world.task(spec('late').taskId)).status).toBe('PENDING'); // no claims after stop
  });

  it('graceful stop: past the grace period a run is aborted and its task released, the attempt not counted', async () => {
    let reason: unknown;
    const stuck: TaskHandler = {
      run: (_claimed, signal) =>
        new Promise(() =>
          signal.addEventListener('abort', () => {
            reason = signal.reason;
          }),
        ), // never ends, even when aborted
      onFinalFailure: () => undefined,
    };
    const [taskId = ''] = await world.enqueue(['s']);
    const worker = await world.start(everyType(stuck), { shutdownGraceMs: 50 });
    await until(async () => (await world.task(taskId)).status === 'RUNNING', 2_000, 'claimed');
    const report = await worker.stop();
    expect(report).toEqual({ finished: 0, released: 1 });
    expect(reason).toBeInstanceOf(WorkerStoppingError);
    expect(await world.task(taskId)).toMatchObject({ status: 'PENDING', attempt: 0, leaseOwner: null });
    expect(world.calls.releases).toHaveLength(1);
  });

  it('retries a task type it has no handler for rather than failing it', async () => {
    const [taskId = ''] = await world.enqueue(['x'], { type: 'SHIP_TASK' });
    await world.start({ COMPILE_TASK: ok } as never);
    await until(async () => (await world.task(taskId)).status === 'PENDING' && (await world.task(taskId)).attempt === 1, 2_000, 'retry');
    expect((await world.task(taskId)).lastError?.code).toBe('TRANSIENT');
  });
});
