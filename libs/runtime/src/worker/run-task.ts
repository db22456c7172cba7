import { failureSettlement, type TaskHandler } from '@ivm/application';
import type { ClaimedTask, FollowUp, RetryPolicy, Settlement } from '@ivm/domain';
import * as Cause from 'effect/Cause';
import * as Exit from 'effect/Exit';
import type { TaskOutcomeLabel } from './observe';

/**
 * The settlement of one run: success → OK with the handler's follow-up; a throw → `nextOutcome`
 * (RETRY with its delay, or FAILED/DEAD with the handler's final-failure follow-up: `failureSettlement`).
 */
export function settlementOf(
  claimed: ClaimedTask,
  handler: TaskHandler,
  result: Exit.Exit<FollowUp | undefined, unknown>,
  policy: RetryPolicy,
  onFollowUpBug: (thrown: unknown) => void,
): Settlement {
  const lease = claimed.lease;
  if (Exit.isSuccess(result)) return result.value === undefined ? { kind: 'OK', lease } : { kind: 'OK', lease, followUp: result.value };
  // A bug in onFinalFailure must not leave the task RUNNING forever: it is settled without the job steps, and reported.
  return failureSettlement(claimed, thrownBy(result.cause), handler, policy, onFollowUpBug);
}

/** The metrics label of a settlement the store accepted or refused. */
export function outcomeLabel(settlement: Settlement, fenced: boolean): TaskOutcomeLabel {
  if (fenced) return 'fenced';
  switch (settlement.kind) {
    case 'OK':
      return 'ok';
    case 'RETRY':
      return 'retry';
    case 'FAILED':
      return 'failed';
    case 'DEAD':
      return 'dead';
  }
}

/** The abort reason a run sees when the worker stops before it finished (its lease is released). */
export class WorkerStoppingError extends Error {
  constructor(taskId: string) {
    super(`the worker is stopping: task ${taskId} is released unfinished`);
    this.name = 'WorkerStoppingError';
  }
}

// A handler's throw is the failure itself; a defect (a bug in the runtime path) is kept as thrown.
function thrownBy(cause: Cause.Cause<unknown>): unknown {
  const failure = Cause.findErrorOption(cause);
  if (failure._tag === 'Some') return failure.value;
  return Cause.squash(cause);
}
