import { OPENSEARCH_DEFAULTS } from '@ivm/adapters-opensearch';
import { type Env, httpUrl, integer } from './env';

/** How this process ships to sinks: the OpenSearch cluster and bulk limits, and each sink's circuit breaker. */
export interface SinkConfig {
  readonly opensearch: {
    /** The cluster every `opensearch` sink ships to (OPENSEARCH_URL); unset: those sinks are unconfigured. */
    readonly url: string | undefined;
    /** Most documents per bulk request (OPENSEARCH_BULK_MAX_DOCUMENTS). */
    readonly bulkMaxDocuments: number;
    /** Most bytes per bulk request (OPENSEARCH_BULK_MAX_BYTES). */
    readonly bulkMaxBytes: number;
    /** Longest wait for one request (OPENSEARCH_REQUEST_TIMEOUT_MS). */
    readonly requestTimeoutMs: number;
  };
  readonly breaker: {
    /** Failed calls in a row that open a sink's breaker (IVM_SINK_BREAKER_FAILURES). */
    readonly failureThreshold: number;
    /** The first open period; doubles per failed probe up to 24× (IVM_SINK_BREAKER_OPEN_MS). */
    readonly openMs: number;
  };
}

/** @throws ConfigError */
export function loadSinkConfig(env: Env): SinkConfig {
  return {
    opensearch: {
      url: httpUrl(env, 'OPENSEARCH_URL'),
      bulkMaxDocuments: integer(env, 'OPENSEARCH_BULK_MAX_DOCUMENTS', OPENSEARCH_DEFAULTS.bulk.maxDocuments, 1, 10_000),
      bulkMaxBytes: integer(env, 'OPENSEARCH_BULK_MAX_BYTES', OPENSEARCH_DEFAULTS.bulk.maxBytes, 1_024, 100 * 1024 * 1024),
      requestTimeoutMs: integer(env, 'OPENSEARCH_REQUEST_TIMEOUT_MS', OPENSEARCH_DEFAULTS.requestTimeoutMs, 100, 600_000),
    },
    breaker: {
      failureThreshold: integer(env, 'IVM_SINK_BREAKER_FAILURES', 5, 1, 1_000),
      openMs: integer(env, 'IVM_SINK_BREAKER_OPEN_MS', 5_000, 1, 3_600_000),
    },
  };
}
