import type { SinkObserver } from '@ivm/application';
import { Counter, Gauge, type Registry } from 'prom-client';

/** What the sink metrics take: final outcomes and breaker moves, and retries inside one `apply`. */
export interface SinkMetrics extends SinkObserver {
  retried(sinkId: string, operations: number): void;
}

const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * prom-client metrics of every sink: documents by outcome (`shipped`, `conflicted` — the sink held
 * this revision or a newer one —, `retried`, `failed`) and each breaker's state.
 */
export function createSinkMetrics(registry: Registry): SinkMetrics {
  const documents = new Counter({
    name: 'ivm_sink_documents_total',
    help: 'Documents sent to a sink, by outcome: shipped, conflicted (already held at this or a newer revision), retried, failed (rejected)',
    labelNames: ['sink', 'outcome'] as const,
    registers: [registry],
  });
  const breaker = new Gauge({
    name: 'ivm_sink_breaker_state',
    help: "A sink's circuit breaker in this process: 0 closed, 1 half-open (probing), 2 open (failing fast)",
    labelNames: ['sink'] as const,
    registers: [registry],
  });
  return {
    outcomes(sink, counts) {
      if (counts.applied > 0) documents.inc({ sink, outcome: 'shipped' }, counts.applied);
      if (counts.stale > 0) documents.inc({ sink, outcome: 'conflicted' }, counts.stale);
      if (counts.retry > 0) documents.inc({ sink, outcome: 'retried' }, counts.retry);
      if (counts.rejected > 0) documents.inc({ sink, outcome: 'failed' }, counts.rejected);
    },
    retried(sink, operations) {
      documents.inc({ sink, outcome: 'retried' }, operations);
    },
    breaker(sink, state) {
      breaker.set({ sink }, BREAKER_VALUE[state]);
    },
  };
}
