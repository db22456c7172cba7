import {
  type ClaimedTask,
  type CreateDeployJob,
  type DeployAxes,
  type DeployJobStore,
  outboxTaskId,
  type OutboxStore,
  type TaskSpec,
  type TaskType,
  type TaskWakeups,
} from '../../src';

/** The deploy ports over an empty outbox, with the store's own clock. */
export interface OutboxContractStores {
  readonly outbox: OutboxStore;
  readonly jobs: DeployJobStore;
  readonly wakeups: TaskWakeups;
  /** The store's clock ("database time"), epoch ms. */
  now(): Promise<number>;
  /** Lets `ms` of store time pass: a manual clock moves, a real database is waited for. */
  pass(ms: number): Promise<void>;
}

/** What a suite runs against: fresh (empty) stores for each test, and a close at the end. */
export interface OutboxContractTarget {
  fresh(): Promise<OutboxContractStores>;
  close(): Promise<void>;
}

export interface ContractContext {
  /** The stores of the running test. */
  readonly s: () => OutboxContractStores;
}

export const TENANT = 'acme';
export const SHIP_AXES: DeployAxes = { compile: 'async', ship: { mode: 'async', sinks: ['personalize'] }, cutover: 'ready' };
export const NO_SHIP_AXES: DeployAxes = { compile: 'sync', ship: null, cutover: 'ready' };
export const BOOM = { code: 'TRANSIENT', message: 'socket hang up' };

/** A task of job `jobId`: its id derives from (tenant, job, type), as the port requires. */
export function taskSpec(jobId: string, type: TaskType = 'COMPILE_TASK', maxAttempts = 3, tenantId = TENANT): TaskSpec {
  return {
    taskId: outboxTaskId(tenantId, jobId, type),
    type,
    maxAttempts,
    payload: { tenantId, jobId, entities: [{ entityKey: 'product#P1', version: 1 }], sinkIds: type === 'SHIP_TASK' ? ['personalize'] : [] },
  };
}

/** A create command for job `jobId` with its COMPILE_TASK, QUEUED unless told otherwise. */
export function createCommand(jobId: string, extra: Partial<CreateDeployJob> = {}): CreateDeployJob {
  return {
    tenantId: TENANT,
    jobId,
    axes: SHIP_AXES,
    records: [{ entityKey: 'product#P1', version: 1 }],
    enter: [],
    tasks: [taskSpec(jobId)],
    ...extra,
  };
}

/** Claims exactly one task (the test's only claimable one). */
export async function claimOne(outbox: OutboxStore, owner = 'w1', leaseMs = 60_000): Promise<ClaimedTask> {
  const claimed = await outbox.claim(owner, 1, leaseMs);
  if (claimed.length !== 1 || claimed[0] === undefined) throw new Error(`expected one claimable task, claimed ${claimed.length}`);
  return claimed[0];
}

/** Waits until `check` passes (wake-ups over a real database arrive asynchronously). */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** Runs `body` between two readings of the store's clock, so times it records can be bounded. */
export async function between<T>(s: OutboxContractStores, body: () => Promise<T>): Promise<{ result: T; before: number; after: number }> {
  const before = await s.now();
  const result = await body();
  const after = await s.now();
  return { result, before, after };
}
