import { createWebhookSink, WEBHOOK_DEFAULTS } from '@ivm/adapters-webhook';
import { type EnvLookup, requireSinkUrl, type SinkDirectoryOptions } from '@ivm/application';

/**
 * The sink plugins this build ships with, over one environment: `GET /v1/contracts`, deploy
 * validation and shipping all see the sinks through it. The OpenSearch plugin does not exist yet,
 * so `opensearch` sinks are listed as unconfigured.
 */
export function sinkOptions(env: EnvLookup): SinkDirectoryOptions {
  const webhook = createWebhookSink({ resolveUrl: (sink) => requireSinkUrl(sink, env), ...WEBHOOK_DEFAULTS });
  return { plugins: [webhook], env };
}
