import type { ClaimedTask, FollowUp, TaskError, TaskType } from '@ivm/domain';

/**
 * What a worker runs for one task type. The worker runtime owns everything around the run —
 * leases, heartbeats, retries, settling — so a handler only does the work and names what follows.
 */
export interface TaskHandler {
  /**
   * Does the task's work (idempotently: an earlier attempt may have done part of it) and returns
   * what follows its success, settled with it in one transaction. A throw is classified by the
   * runtime (`classify`): transient → retry with backoff, conflict → retry soon, anything else →
   * FAILED. `signal` aborts when the lease is lost or the worker must stop at once.
   */
  run(claimed: ClaimedTask, signal: AbortSignal): Promise<FollowUp | undefined>;
  /** The job steps that go with a final failure of the task (FAILED, or DEAD after the last attempt). */
  onFinalFailure(claimed: ClaimedTask, status: 'FAILED' | 'DEAD', error: TaskError): FollowUp | undefined;
}

/** One handler per task type. */
export type TaskHandlers = Readonly<Record<TaskType, TaskHandler>>;
