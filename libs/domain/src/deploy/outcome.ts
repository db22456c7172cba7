import type { TaskError } from './outbox-task';

/** The run went through; the task is done. */
export interface OkOutcome {
  readonly kind: 'OK';
}

/** Try again later: the task goes back to PENDING for `delayMs`. */
export interface RetryOutcome {
  readonly kind: 'RETRY';
  /** How long the task waits before it is claimable again: a duration, which the store adds to its own clock (database time). */
  readonly delayMs: number;
  readonly error: TaskError;
}

/** Stop: FAILED for a broken invariant (final), DEAD when the attempts ran out (re-drivable). */
export interface FailOutcome {
  readonly kind: 'FAIL';
  readonly status: 'FAILED' | 'DEAD';
  readonly reason: string;
  readonly error: TaskError;
}

/** What a worker does with a task after running it; persisted before acting on it. */
export type Outcome = OkOutcome | RetryOutcome | FailOutcome;

export const OK_OUTCOME: OkOutcome = { kind: 'OK' };
