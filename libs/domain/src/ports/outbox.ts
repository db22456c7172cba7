import type { DeployJobError, DeployState } from '../deploy/state-machine';
import type { OutboxTask, TaskError, TaskPayload, TaskStatus, TaskType } from '../deploy/outbox-task';

/**
 * Glossary
 * - task: one unit of deploy work behind an async boundary (COMPILE_TASK, SHIP_TASK); its payload
 *   holds references only.
 * - attempt: one claim of a task. `attempt` counts them; the budget is `maxAttempts`.
 * - token (fencing token): a fresh id the store mints for every attempt. Every later call about
 *   that attempt (advance, settle, heartbeat, release) names it, and the store refuses the call
 *   ("fenced") once another attempt has replaced it — a worker that stalled past its lease can
 *   never overwrite the outcome of the attempt that took over.
 * - lease: the time until which an attempt holds its task; extended by heartbeats. An expired
 *   lease is taken back by the reaper.
 * - database time: every time the store records or compares (createdAt, runAfter, leaseUntil,
 *   transition times) is the store's own clock, never a worker's; callers pass durations.
 * - settle: ending an attempt with its outcome (OK, RETRY, FAILED, DEAD), together with the
 *   deploy-job steps that follow from it, in one atomic operation.
 * - flight (single flight): a key an attempt holds so that no other attempt works on the same
 *   thing at once. A compile holds `compileFlightKey(tenant, entityKey, ruleSet)` of each entity
 *   it slices — stricter than SPEC §8's (…, version, ruleSet), so compiles of different versions of
 *   one entity are serialised too (docs/deploys.md "Single flight"). A flight belongs to its
 *   attempt: its heartbeats extend it, and it is freed in the same atomic operation that settles,
 *   releases or reaps the attempt. A flight whose holder's lease passed (or whose holder is no
 *   longer the current attempt) is free to take over.
 */

/** What a new task is: its id derives from (tenant, job, type), so enqueueing it twice stores it once. */
export interface TaskSpec {
  readonly taskId: string;
  readonly type: TaskType;
  readonly payload: TaskPayload;
  readonly maxAttempts: number;
}

/** One attempt of a task, as its holder names it. */
export interface Lease {
  readonly taskId: string;
  readonly token: string;
}

/** A task a worker has just claimed. */
export interface ClaimedTask {
  readonly task: OutboxTask;
  readonly lease: Lease;
  /** Database time from when the task became claimable (createdAt or runAfter) to this claim. */
  readonly waitedMs: number;
}

/**
 * One move of a deploy job. The store applies it when the job is in `from`, skips it when the job
 * is already in `to` (the step was applied by an earlier attempt), and refuses anything else with
 * IllegalStateTransitionError — rolling back the whole operation it belongs to.
 */
export interface JobStep {
  readonly tenantId: string;
  readonly jobId: string;
  readonly from: DeployState;
  readonly to: DeployState;
  /** Required exactly when `to` is FAILED. */
  readonly error?: DeployJobError;
}

/** What follows an attempt's outcome, applied in the same transaction: job steps in order, then new tasks. */
export interface FollowUp {
  readonly steps: readonly JobStep[];
  readonly enqueue: readonly TaskSpec[];
}

/** The outcome of an attempt, to be persisted. Delays are durations: the store adds them to its own clock. */
export type Settlement =
  | { readonly kind: 'OK'; readonly lease: Lease; readonly followUp?: FollowUp }
  | { readonly kind: 'RETRY'; readonly lease: Lease; readonly delayMs: number; readonly error: TaskError }
  | { readonly kind: 'FAILED' | 'DEAD'; readonly lease: Lease; readonly error: TaskError; readonly followUp?: FollowUp };

/** `fenced`: the lease's token is not the task's current attempt (or the task is no longer RUNNING); nothing was written. */
export type FencedResult = 'applied' | 'fenced';

/** `busy`: another live attempt holds one of the keys; nothing was taken. `fenced` as for FencedResult. */
export type FlightResult = 'acquired' | 'busy' | 'fenced';

/** Tasks in one (type, status), for queue-depth metrics. */
export interface QueueDepth {
  readonly type: TaskType;
  readonly status: TaskStatus;
  readonly count: number;
}

/**
 * The outbox (PostgreSQL in production, in memory for tests). Every method is one atomic
 * operation; a caller that crashes after any call loses nothing and repeats nothing.
 */
export interface OutboxStore {
  /** Inserts PENDING tasks, claimable at once; a taskId that exists is left as it is. Returns the stored tasks, in input order. */
  enqueue(specs: readonly TaskSpec[]): Promise<readonly OutboxTask[]>;
  /** Leases up to `limit` claimable tasks (PENDING, runAfter ≤ now; oldest runAfter first) without blocking on or sharing rows with other claimers; each gets attempt + 1 and a new token. */
  claim(owner: string, limit: number, leaseMs: number): Promise<readonly ClaimedTask[]>;
  /** Applies job steps while holding the lease (e.g. QUEUED → RUNNING when a compile starts). */
  advance(lease: Lease, steps: readonly JobStep[]): Promise<FencedResult>;
  /**
   * Persists outcomes, each with its follow-up, in input order; each is fenced on its own. The call
   * is one transaction: an unknown job or an illegal step throws and nothing of the call is written.
   * A RETRY of the last attempt ends DEAD (the store keeps the attempt budget, as the reaper does).
   * Every applied outcome frees the attempt's flights.
   */
  settle(settlements: readonly Settlement[]): Promise<readonly FencedResult[]>;
  /** Takes every flight key for this attempt (until now + leaseMs), or none; keys it holds already are renewed. */
  acquireFlights(lease: Lease, keys: readonly string[], leaseMs: number): Promise<FlightResult>;
  /** Moves each lease, and the flights its attempt holds, to now + leaseMs; `fenced` where the attempt was replaced. */
  heartbeat(leases: readonly Lease[], leaseMs: number): Promise<readonly FencedResult[]>;
  /** Gives tasks back unfinished (graceful shutdown): PENDING, claimable at once, the attempt not counted; their flights are freed. */
  release(leases: readonly Lease[]): Promise<readonly FencedResult[]>;
  /** Takes back up to `limit` RUNNING tasks whose lease expired: PENDING, or DEAD after the last attempt; their flights are freed. */
  reap(limit: number): Promise<readonly OutboxTask[]>;
  /** Deletes up to `limit` SUCCESS tasks settled more than `retentionMs` ago; returns how many. */
  prune(retentionMs: number, limit: number): Promise<number>;
  /** Tasks in `status`, oldest first, at most `limit`. */
  list(status: TaskStatus, limit: number): Promise<readonly OutboxTask[]>;
  /** The task with this id, or undefined. */
  get(taskId: string): Promise<OutboxTask | undefined>;
  /** DEAD → PENDING with a fresh attempt budget. NotFoundError for an unknown task, IllegalStateTransitionError when it is not DEAD. */
  redrive(taskId: string): Promise<OutboxTask>;
  /** Task counts by type and status. */
  depth(): Promise<readonly QueueDepth[]>;
}

/** Wake-ups for idle workers when tasks are enqueued (LISTEN/NOTIFY in PostgreSQL); polling covers anything missed. */
export interface TaskWakeups {
  /** Calls `onTasks(n)` when n tasks become claimable; returns the unsubscribe. */
  subscribe(onTasks: (count: number) => void): Promise<() => Promise<void>>;
}

/** The last failure of a task, as recorded. */
export type { TaskError };
