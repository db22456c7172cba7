import type { TaskError } from './outbox-task';

/** The run went through; the task is done. */
export interface OkOutcome {
  readonly kind: 'OK';
}

/** Try again later: the task goes back to PENDING until `after`. */
export interface RetryOutcome {
  readonly kind: 'RETRY';
  /** Epoch ms before which the task is not claimed again. */
  readonly after: number;
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
