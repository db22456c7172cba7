import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Cumulative DynamoDB request counts by operation (`{GetItem: 12, Query: 3}`), e.g. `RequestCounter.snapshot`. */
export type RequestCountSource = () => Record<string, number>;

export interface ApiMetrics {
  readonly registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

/**
 * A registry of its own (not prom-client's global one), so several servers in one process,
 * as in tests, never register a metric twice.
 */
export function createMetrics(options: { readonly dynamoRequests?: RequestCountSource } = {}): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'ivm_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'ivm_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const source = options.dynamoRequests;
  new Counter({
    name: 'ivm_dynamodb_requests_total',
    help: 'DynamoDB requests sent by the store adapter, by operation',
    labelNames: ['operation'] as const,
    registers: [registry],
    // Read at scrape time from the adapter's own counter, which is the single source of truth.
    collect() {
      if (!source) return;
      this.reset();
      for (const [operation, count] of Object.entries(source())) this.inc({ operation }, count);
    },
  });
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}
