import { createOpenSearchSink, OPENSEARCH_DEFAULTS, openOpenSearchClient } from '@ivm/adapters-opensearch';
import { createWebhookSink, WEBHOOK_DEFAULTS } from '@ivm/adapters-webhook';
import { type EnvLookup, requireSinkUrl, type SinkDirectoryOptions } from '@ivm/application';
import { breakerSettings, type ContractRegistry } from '@ivm/domain';
import type { SinkConfig } from '../config';
import type { SinkMetrics } from './sink-metrics';

/** The sinks of a process: what its SinkDirectory is built with, and the connections to close. */
export interface ProcessSinks {
  readonly options: SinkDirectoryOptions;
  close(): Promise<void>;
}

/**
 * The sink plugins this build ships with (webhook, OpenSearch), over one environment, each sink
 * behind its own circuit breaker: `GET /v1/contracts`, deploy validation and shipping all see
 * the sinks through them. The OpenSearch client is made at the first ship.
 */
export function processSinks(input: {
  readonly env: EnvLookup;
  readonly registry: ContractRegistry;
  readonly config: SinkConfig;
  readonly metrics?: SinkMetrics;
}): ProcessSinks {
  const { env, config, metrics } = input;
  const webhook = createWebhookSink({ resolveUrl: (sink) => requireSinkUrl(sink, env), ...WEBHOOK_DEFAULTS });
  const { url, bulkMaxDocuments, bulkMaxBytes, requestTimeoutMs } = config.opensearch;
  const opensearch = createOpenSearchSink({
    connect: () => {
      // The directory never ships to an unconfigured sink, so this is a wiring mistake.
      if (url === undefined) throw new Error('OpenSearch sink used without OPENSEARCH_URL');
      return openOpenSearchClient({ url, requestTimeoutMs });
    },
    registry: input.registry,
    bulk: { maxDocuments: bulkMaxDocuments, maxBytes: bulkMaxBytes },
    retry: OPENSEARCH_DEFAULTS.retry,
    requestTimeoutMs,
    ...(metrics ? { onRetry: (sinkId: string, n: number) => metrics.retried(sinkId, n) } : {}),
  });
  const settings = breakerSettings({
    failureThreshold: config.breaker.failureThreshold,
    openMs: config.breaker.openMs,
    maxOpenMs: config.breaker.openMs * 24,
  });
  return {
    options: { plugins: [webhook, opensearch], env, guard: { clock: { now: () => Date.now() }, settings, ...(metrics ? { observer: metrics } : {}) } },
    close: () => opensearch.close(),
  };
}
