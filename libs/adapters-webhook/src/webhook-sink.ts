import { InvariantViolationError, type SinkContract, type SinkItemOutcome, SinkNotConfiguredError, type SinkOperation, type SinkPlugin } from '@ivm/domain';
import { mapBounded } from './bounded';
import { outcomeOfFailure, outcomeOfResponse } from './outcome';
import { webhookIdempotencyKey, webhookPayload } from './payload';

/** How the webhook plugin delivers. */
export interface WebhookSinkConfig {
  /**
   * The URL a sink delivers to, e.g. `requireSinkUrl` of `@ivm/application` over the process's
   * environment. A throw (no URL) fails the whole `apply` with SinkNotConfiguredError.
   */
  readonly resolveUrl: (sink: SinkContract) => string;
  /** Longest wait for one delivery's answer, body included; past it the delivery is a `retry`. */
  readonly timeoutMs: number;
  /** Most deliveries of one `apply` in flight at once. */
  readonly concurrency: number;
  /** Default: Node's global fetch. */
  readonly fetch?: typeof fetch;
}

/** Settings that suit a receiver on the same network; apps may override them. */
export const WEBHOOK_DEFAULTS = { timeoutMs: 10_000, concurrency: 8 } as const;

/** The `webhook` SinkPlugin: one `POST <url>` per operation, outcomes per API.md "Sinks". */
export function createWebhookSink(config: WebhookSinkConfig): SinkPlugin {
  const { timeoutMs, concurrency } = config;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new RangeError(`webhook sink: timeoutMs must be an integer ≥ 1, got ${timeoutMs}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`webhook sink: concurrency must be an integer ≥ 1, got ${concurrency}`);
  const send = config.fetch ?? fetch;

  const deliver = async (target: Target, sinkId: string, tenantId: string, operation: SinkOperation): Promise<SinkItemOutcome> => {
    const payload = webhookPayload(sinkId, tenantId, operation);
    try {
      const response = await send(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': webhookIdempotencyKey(payload),
          'user-agent': 'ivm-runtime-webhook',
          ...target.headers,
        },
        body: JSON.stringify(payload),
        redirect: 'manual',
        // The timeout covers the body too: the excerpt is read under the same signal.
        signal: AbortSignal.timeout(timeoutMs),
      });
      return await outcomeOfResponse(operation.docId, response);
    } catch (error) {
      return outcomeOfFailure(operation.docId, error, timeoutMs);
    }
  };

  return {
    type: 'webhook',
    async apply(sink, tenantId, operations) {
      if (sink.type !== 'webhook') throw new InvariantViolationError(`webhook sink: sink "${sink.id}" is of type ${sink.type}`);
      if (operations.length === 0) return [];
      const target = targetOf(sink, config.resolveUrl);
      return mapBounded(operations, concurrency, (operation) => deliver(target, sink.id, tenantId, operation));
    },
  };
}

/** Where deliveries go: the URL without credentials, which fetch refuses in a URL, and the header that carries them instead. */
interface Target {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

function targetOf(sink: SinkContract, resolveUrl: (sink: SinkContract) => string): Target {
  let text: string;
  try {
    text = resolveUrl(sink);
  } catch (error) {
    if (error instanceof SinkNotConfiguredError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new SinkNotConfiguredError(sink.id, `its URL cannot be resolved: ${reason}`, '/ship/sinks', { cause: error });
  }
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') throw new SinkNotConfiguredError(sink.id, 'its URL is not an http(s) URL');
  if (url.username === '' && url.password === '') return { url: url.href, headers: {} };
  const credentials = `${decoded(url.username)}:${decoded(url.password)}`;
  url.username = '';
  url.password = '';
  return { url: url.href, headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } };
}

/** A URL's percent-encoded user or password as typed; left as is when it is not valid percent-encoding. */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
