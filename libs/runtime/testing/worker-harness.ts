import type { TaskHandler, TaskHandlers } from '@ivm/application';
import {
  createInMemoryDeploys,
  outboxTaskId,
  type ClaimedTask,
  type FencedResult,
  type InMemoryDeploys,
  type Lease,
  type OutboxStore,
  type Settlement,
  type TaskSpec,
  type TaskType,
} from '@ivm/domain';
import { ManualClock } from '@ivm/domain/testing';
import { startWorker, workerSettings, type TaskOutcomeLabel, type WorkerHandle, type WorkerMetrics, type WorkerSettings } from '../src/worker';

/** What the runtime asked of the store, in order. */
export interface StoreCalls {
  readonly claims: { readonly limit: number; readonly got: number }[];
  readonly settles: Settlement[][];
  readonly heartbeats: { readonly leases: readonly Lease[]; readonly results: readonly FencedResult[] }[];
  readonly releases: Lease[][];
}

/** The in-memory outbox with every runtime call recorded (the store itself is the real reference implementation). */
export function recorded(outbox: OutboxStore, calls: StoreCalls, beforeClaim?: (limit: number) => void): OutboxStore {
  return Object.assign(Object.create(outbox) as OutboxStore, {
    claim: async (owner: string, limit: number, leaseMs: number): Promise<readonly ClaimedTask[]> => {
      beforeClaim?.(limit);
      const claimed = await outbox.claim(owner, limit, leaseMs);
      calls.claims.push({ limit, got: claimed.length });
      return claimed;
    },
    settle: async (settlements: readonly Settlement[]): Promise<readonly FencedResult[]> => {
      calls.settles.push([...settlements]);
      return outbox.settle(settlements);
    },
    heartbeat: async (leases: readonly Lease[], leaseMs: number): Promise<readonly FencedResult[]> => {
      const results = await outbox.heartbeat(leases, leaseMs);
      calls.heartbeats.push({ leases, results });
      return results;
    },
    release: async (leases: readonly Lease[]): Promise<readonly FencedResult[]> => {
      calls.releases.push([...leases]);
      return outbox.release(leases);
    },
  });
}

/** Metrics kept as counts by "type/outcome", for assertions. */
export function countingMetrics(): WorkerMetrics & { readonly outcomes: Map<string, number>; readonly latencies: number[] } {
  const outcomes = new Map<string, number>();
  const latencies: number[] = [];
  return {
    outcomes,
    latencies,
    taskSettled: (type: TaskType, outcome: TaskOutcomeLabel) => outcomes.set(`${type}/${outcome}`, (outcomes.get(`${type}/${outcome}`) ?? 0) + 1),
    claimToStart: (_type, seconds) => latencies.push(seconds),
    inFlight: () => undefined,
    queueDepth: () => undefined,
  };
}

/** A task spec for job `job` of tenant `t`. */
export function spec(job: string, options: { readonly type?: TaskType; readonly maxAttempts?: number } = {}): TaskSpec {
  const type = options.type ?? 'COMPILE_TASK';
  return {
    taskId: outboxTaskId('t', job, type),
    type,
    payload: { tenantId: 't', jobId: job, entities: [{ entityKey: 'product#A', version: 1 }], sinkIds: type === 'SHIP_TASK' ? ['webhook'] : [] },
    maxAttempts: options.maxAttempts ?? 10,
  };
}

/** The same handler for every task type. */
export const everyType = (handler: TaskHandler): TaskHandlers => ({ COMPILE_TASK: handler, SHIP_TASK: handler });

/** Resolves when `check` holds, polling every few ms; fails after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Waits `ms` of real time. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One in-memory world: stores on a test clock, recorded calls, and workers to start on them (stopped by `stopAll`). */
export class MemoryWorld {
  readonly clock = new ManualClock();
  readonly deploys: InMemoryDeploys = createInMemoryDeploys(this.clock);
  readonly calls: StoreCalls = { claims: [], settles: [], heartbeats: [], releases: [] };
  readonly metrics = countingMetrics();
  private readonly workers: WorkerHandle[] = [];

  /** Starts a worker with fast timers (overridable) on the recorded outbox. */
  async start(handlers: TaskHandlers, settings: Partial<WorkerSettings> = {}, beforeClaim?: (limit: number) => void): Promise<WorkerHandle> {
    const worker = await startWorker({
      outbox: recorded(this.deploys.outbox, this.calls, beforeClaim),
      wakeups: this.deploys.wakeups,
      handlers,
      metrics: this.metrics,
      settings: workerSettings({
        owner: `w${this.workers.length + 1}`,
        concurrency: 4,
        leaseMs: 600,
        pollMs: 20,
        settleFlushMs: 2,
        shutdownGraceMs: 1_000,
        ...settings,
      }),
    });
    this.workers.push(worker);
    return worker;
  }

  /** Enqueues tasks for the given job ids. */
  async enqueue(jobs: readonly string[], options: { readonly type?: TaskType; readonly maxAttempts?: number } = {}): Promise<string[]> {
    const stored = await this.deploys.outbox.enqueue(jobs.map((job) => spec(job, options)));
    return stored.map((task) => task.taskId);
  }

  /** The task's current status, attempt and runAfter. */
  async task(taskId: string) {
    const task = await this.deploys.outbox.get(taskId);
    if (!task) throw new Error(`no task ${taskId}`);
    return task;
  }

  /** Stops every worker started here. */
  async stopAll(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.stop()));
  }
}
