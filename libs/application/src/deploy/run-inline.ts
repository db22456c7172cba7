import { type ClaimedTask, type FollowUp, nextOutcome, type OutboxStore, type RetryPolicy, type Settlement } from '@ivm/domain';
import type { TaskHandler } from './task-handler';

/**
 * The settlement of a run that threw: retry after a backoff (transient, conflict), or FAILED /
 * DEAD with the handler's follow-up for the job. Shared by the worker runtime and inline runs.
 * `onFollowUpBug` decides what a throwing `onFinalFailure` does: the worker settles without the
 * job steps (and reports it), an inline run lets it propagate.
 */
export function failureSettlement(
  claimed: ClaimedTask,
  error: unknown,
  handler: Pick<TaskHandler, 'onFinalFailure'>,
  policy: RetryPolicy,
  onFollowUpBug: (thrown: unknown) => void = rethrow,
): Settlement {
  const outcome = nextOutcome(claimed.task, error, policy);
  if (outcome.kind === 'RETRY') return { kind: 'RETRY', lease: claimed.lease, delayMs: outcome.delayMs, error: outcome.error };
  if (outcome.kind === 'OK') throw new TypeError('a failed run cannot settle OK');
  let followUp: FollowUp | undefined;
  try {
    followUp = handler.onFinalFailure(claimed, outcome.status, outcome.error);
  } catch (thrown) {
    onFollowUpBug(thrown);
  }
  return { kind: outcome.status, lease: claimed.lease, error: outcome.error, ...(followUp ? { followUp } : {}) };
}

function rethrow(thrown: unknown): never {
  throw thrown;
}

/** What became of an inline run: settled (with its kind), or fenced (the lease went to a worker meanwhile). */
export type InlineResult = { readonly settled: Settlement['kind'] } | { readonly settled: 'fenced' };

/**
 * Runs a task the request itself claimed, as a worker would: heartbeats while it runs, then one
 * settle with the outcome. If the request dies, the lease expires and a worker takes over.
 */
export async function runInline(
  outbox: OutboxStore,
  claimed: ClaimedTask,
  handler: TaskHandler,
  settings: { readonly leaseMs: number; readonly retry: RetryPolicy },
): Promise<InlineResult> {
  const controller = new AbortController();
  const beat = setInterval(
    () => {
      outbox.heartbeat([claimed.lease], settings.leaseMs).then(
        ([result]) => result === 'fenced' && controller.abort(new Error('lease lost')),
        () => undefined, // a missed heartbeat is retried on the next tick; the lease covers it
      );
    },
    Math.max(10, Math.floor(settings.leaseMs / 3)),
  );
  let settlement: Settlement;
  try {
    const followUp = await handler.run(claimed, controller.signal);
    settlement = { kind: 'OK', lease: claimed.lease, ...(followUp ? { followUp } : {}) };
  } catch (error) {
    settlement = failureSettlement(claimed, error, handler, settings.retry);
  } finally {
    clearInterval(beat);
  }
  const [result] = await outbox.settle([settlement]);
  return result === 'applied' ? { settled: settlement.kind } : { settled: 'fenced' };
}
