import { TASK_STATUSES, TASK_TYPES, type QueueDepth } from '@ivm/domain';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { WorkerMetrics } from './observe';

/** The worker's metrics on a registry of its own (several workers in one process, as in tests, never clash). */
export interface PromWorkerMetrics extends WorkerMetrics {
  readonly registry: Registry;
}

/** prom-client metrics for `startWorker`: task outcomes, queue depth, claim-to-start latency, in-flight tasks. */
/**
 * `registry`: a registry to add the metrics to (the API's, for the worker `npm start` runs in its
 * process); default a new one. `defaults`: also the process metrics (default true with a new registry).
 */
export function createWorkerMetrics(options: { readonly defaults?: boolean; readonly registry?: Registry } = {}): PromWorkerMetrics {
  const registry = options.registry ?? new Registry();
  if (options.defaults ?? options.registry === undefined) collectDefaultMetrics({ register: registry });
  const tasks = new Counter({
    name: 'ivm_worker_tasks_total',
    help: 'Task attempts ended, by type and outcome (ok, retry, failed, dead; fenced: refused because the lease was lost)',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });
  const depth = new Gauge({
    name: 'ivm_outbox_tasks',
    help: 'Outbox tasks by type and status (sampled)',
    labelNames: ['type', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'ivm_worker_claim_to_start_seconds',
    help: 'From a task becoming claimable (database time) to its run starting, by type',
    labelNames: ['type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const inFlight = new Gauge({ name: 'ivm_worker_in_flight_tasks', help: 'Tasks this worker holds leases on', registers: [registry] });
  return {
    registry,
    taskSettled: (type, outcome) => tasks.inc({ type, outcome }),
    claimToStart: (type, seconds) => latency.observe({ type }, seconds),
    inFlight: (count) => inFlight.set(count),
    queueDepth: (rows: readonly QueueDepth[]) => {
      // Every (type, status) is set, so a status that emptied reads 0 rather than its last count.
      for (const type of TASK_TYPES) for (const status of TASK_STATUSES) depth.set({ type, status }, 0);
      for (const row of rows) depth.set({ type: row.type, status: row.status }, row.count);
    },
  };
}
