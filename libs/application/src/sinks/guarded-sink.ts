import {
  admit,
  type BreakerSettings,
  type BreakerState,
  type Clock,
  CLOSED_BREAKER,
  DomainError,
  recordCall,
  type SinkItemOutcome,
  type SinkPlugin,
} from '@ivm/domain';

/** What happens at a sink, for metrics: outcomes of every document sent, and the breaker's state. */
export interface SinkObserver {
  /** One `apply` ended: how many documents were applied, stale (already held: version conflicts), to retry and rejected. */
  outcomes(sinkId: string, counts: Readonly<Record<SinkItemOutcome['status'], number>>): void;
  /** The sink's circuit breaker moved to `state`. */
  breaker(sinkId: string, state: BreakerState['kind']): void;
}

/** How a process guards its sinks: the breaker's clock and settings, and who watches. */
export interface SinkGuard {
  readonly clock: Clock;
  readonly settings: BreakerSettings;
  readonly observer?: SinkObserver;
}

/**
 * A sink's plugin behind its circuit breaker (one per sink and process). While the breaker is open
 * every operation comes back `retry` at once, carrying when to come back, and the sink is not
 * called: a dead sink costs its ship tasks nothing and holds up no other sink. An `apply` whose
 * every operation is to retry, or that throws something other than a domain error, is a failed
 * call; any answer from the sink (applied, stale, even rejected) shows it alive.
 */
export function guardSink(sinkId: string, plugin: SinkPlugin, guard: SinkGuard): SinkPlugin {
  let state: BreakerState = CLOSED_BREAKER;
  const move = (next: BreakerState): void => {
    if (next.kind !== state.kind) guard.observer?.breaker(sinkId, next.kind);
    state = next;
  };
  return {
    type: plugin.type,
    async apply(sink, tenantId, operations) {
      if (operations.length === 0) return [];
      const admission = admit(state, guard.clock.now(), guard.settings);
      move(admission.state);
      if (!admission.admitted) {
        const outcomes = operations.map((op): SinkItemOutcome => ({
          docId: op.docId,
          status: 'retry',
          reason: `circuit open: sink ${sinkId} kept failing; next try in ${admission.retryAfterMs} ms`,
          retryAfterMs: admission.retryAfterMs,
        }));
        guard.observer?.outcomes(sinkId, countOutcomes(outcomes));
        return outcomes;
      }
      let outcomes: readonly SinkItemOutcome[];
      try {
        outcomes = await plugin.apply(sink, tenantId, operations);
      } catch (error) {
        // A domain error (a sink not configured, a wrong sink type) says nothing about the sink's health.
        if (!(error instanceof DomainError)) move(recordCall(state, 'failure', guard.clock.now(), guard.settings));
        throw error;
      }
      const failed = outcomes.every((o) => o.status === 'retry');
      move(recordCall(state, failed ? 'failure' : 'success', guard.clock.now(), guard.settings));
      guard.observer?.outcomes(sinkId, countOutcomes(outcomes));
      return outcomes;
    },
  };
}

function countOutcomes(outcomes: readonly SinkItemOutcome[]): Record<SinkItemOutcome['status'], number> {
  const counts = { applied: 0, stale: 0, retry: 0, rejected: 0 };
  for (const outcome of outcomes) counts[outcome.status]++;
  return counts;
}
