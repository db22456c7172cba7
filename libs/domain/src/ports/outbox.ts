import type { OutboxTask, TaskError, TaskStatus } from '../deploy/outbox-task';

/**
 * The outbox, owned by the domain and implemented by adapters (PostgreSQL in production).
 * Each mutating method is one atomic step that applies the matching function of
 * `outbox-task-lifecycle` and persists the result before returning, so a worker that crashes
 * after any call loses nothing and repeats nothing. Times are epoch ms from the caller's Clock.
 * Errors: NotFoundError for an unknown taskId, IllegalStateTransitionError for a status move the
 * task model forbids, LeaseLostError when `owner` does not hold the task's lease.
 */
export interface OutboxStore {
  /** Inserts a new PENDING task unless its taskId exists (insert … on conflict do nothing); returns the stored task either way. */
  enqueue(task: OutboxTask): Promise<OutboxTask>;
  /** Leases up to `limit` claimable tasks (PENDING, runAfter ≤ now; oldest runAfter first) with SELECT … FOR UPDATE SKIP LOCKED, so concurrent claimers never block on or receive the same task; each becomes RUNNING with attempt + 1, leaseOwner = owner, leaseUntil = now + leaseMs. */
  claim(owner: string, limit: number, leaseMs: number, now: number): Promise<readonly OutboxTask[]>;
  /** RUNNING → SUCCESS, only while `owner` holds the lease. */
  complete(taskId: string, owner: string): Promise<OutboxTask>;
  /** RUNNING → PENDING, not claimable before `runAfter`; records `error` as lastError and releases the lease. */
  retry(taskId: string, owner: string, runAfter: number, error: TaskError): Promise<OutboxTask>;
  /** RUNNING → FAILED (invariant violation, final); records `error`. */
  fail(taskId: string, owner: string, error: TaskError): Promise<OutboxTask>;
  /** RUNNING → DEAD (attempts exhausted; kept for inspection and re-drive); records `error`. */
  markDead(taskId: string, owner: string, error: TaskError): Promise<OutboxTask>;
  /** Moves the lease of a RUNNING task held by `owner` to now + leaseMs. */
  extendLease(taskId: string, owner: string, leaseMs: number, now: number): Promise<OutboxTask>;
  /** Takes back every RUNNING task whose leaseUntil ≤ now (PENDING, or DEAD on its last attempt), skipping rows locked by others; returns them. */
  reapExpired(now: number): Promise<readonly OutboxTask[]>;
  /** Tasks in `status`, oldest createdAt first, at most `limit`, for inspection (e.g. DEAD). */
  listByStatus(status: TaskStatus, limit: number): Promise<readonly OutboxTask[]>;
  /** DEAD → PENDING with a fresh attempt budget, claimable from `now`. */
  redrive(taskId: string, now: number): Promise<OutboxTask>;
  /** The task with this id, or undefined. */
  get(taskId: string): Promise<OutboxTask | undefined>;
}
