import type { ErrorCode } from '@ivm/domain';
import { ClientClosedError, IvmApiError, IvmBadResponseError, IvmNetworkError, IvmTimeoutError } from '../core/errors';
import { RETRY_DEFAULTS, retryAfterMs, retryDelay, sleep, type RetryOptions } from '../core/retry';
import type { CallOptions, RecordInput, Transport } from '../core/transport';

/** Where the API is and who calls it: `Ivm.client({ baseUrl, apiKey, tenant })`. */
export interface HttpClientOptions {
  /** The API's base URL, e.g. `http://127.0.0.1:3000`. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`; the key belongs to `tenant`. */
  readonly apiKey: string;
  readonly tenant: string;
  /** Milliseconds before one attempt is given up and retried (default 30,000: a sync deploy compiles in the request). */
  readonly timeoutMs?: number;
  readonly retry?: RetryOptions;
  /** Told of every retry, e.g. to log it. */
  readonly onRetry?: (retry: RetryEvent) => void;
  /** The fetch to use (default: the global one). */
  readonly fetch?: typeof fetch;
}

/** A transient failure the client is about to retry. */
export interface RetryEvent {
  readonly method: string;
  readonly path: string;
  /** The retry about to run, 1 for the first. */
  readonly retry: number;
  readonly delayMs: number;
  /** `HTTP 503 STORE_UNAVAILABLE`, `timeout after 30000 ms`, `ECONNREFUSED …`. */
  readonly reason: string;
}

const TRANSIENT_STATUSES = new Set([429, 502, 503, 504]);
// A newer API may answer codes this SDK does not list yet: any UPPER_SNAKE code is the API's.
const API_CODE = /^[A-Z][A-Z0-9_]*$/;

/** The API over HTTP: JSON in and out, error envelopes as IvmApiError, transient failures retried. */
export function httpTransport(options: HttpClientOptions): Transport {
  const base = options.baseUrl.replace(/\/+$/, '');
  const tenantPath = `/v1/tenants/${encodeURIComponent(options.tenant)}`;
  const retry = { ...RETRY_DEFAULTS, ...options.retry };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let closed = false;

  async function call<T>(method: string, path: string, call: CallOptions = {}, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    if (closed) throw new ClientClosedError();
    const limit = call.timeoutMs ?? timeoutMs;
    for (let attempt = 1; ; attempt++) {
      const timeout = AbortSignal.timeout(limit);
      const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
      let status: number;
      let text: string;
      let retryAfter: string | null;
      try {
        const response = await fetchImpl(base + path, {
          method,
          signal,
          headers: {
            accept: 'application/json',
            authorization: `Bearer ${options.apiKey}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...headers,
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        status = response.status;
        retryAfter = response.headers.get('retry-after');
        text = await response.text();
      } catch (error) {
        if (call.signal?.aborted) throw call.signal.reason;
        const reason = timeout.aborted ? `timeout after ${limit} ms` : describe(error);
        if (attempt < retry.attempts) {
          await pause(method, path, attempt, reason, undefined, call.signal);
          continue;
        }
        const message = `${method} ${path}: ${reason} (${attempt} attempt${attempt === 1 ? '' : 's'})`;
        throw timeout.aborted ? new IvmTimeoutError(message, limit, { cause: error }) : new IvmNetworkError(message, { cause: error });
      }
      if (status >= 200 && status < 300) return parse<T>(text, status, method, path);
      const failure = apiError(text, status, method, path);
      if (TRANSIENT_STATUSES.has(status) && attempt < retry.attempts) {
        await pause(method, path, attempt, `HTTP ${status} ${failure.code}`, retryAfterMs(retryAfter), call.signal);
        continue;
      }
      throw failure;
    }
  }

  async function pause(
    method: string,
    path: string,
    attempt: number,
    reason: string,
    after: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const delayMs = Math.min(retry.maxDelayMs, Math.max(after ?? 0, retryDelay(attempt, retry)));
    options.onRetry?.({ method, path, retry: attempt, delayMs, reason });
    await sleep(delayMs, signal);
  }

  const rawPath = (record: RecordInput) =>
    `${tenantPath}/raw/${encodeURIComponent(record.entityType)}/${encodeURIComponent(record.entityId)}/versions/${record.version}`;

  return {
    writeRaw: (record, callOptions) =>
      'deleted' in record ? call('DELETE', rawPath(record), callOptions) : call('PUT', rawPath(record), callOptions, record.data),
    createDeploy: (body, idempotencyKey, callOptions) => call('POST', `${tenantPath}/deploys`, callOptions, body, { 'idempotency-key': idempotencyKey }),
    deployStatus: (jobId, callOptions) => call('GET', `${tenantPath}/deploys/${encodeURIComponent(jobId)}`, callOptions),
    queryView: (viewId, entityId, version, callOptions) =>
      call(
        'GET',
        `${tenantPath}/views/${encodeURIComponent(viewId)}/${encodeURIComponent(entityId)}${version === undefined ? '' : `?version=${version}`}`,
        callOptions,
      ),
    contracts: (callOptions) => call('GET', '/v1/contracts', callOptions),
    close: async () => {
      closed = true;
    },
  };
}

function parse<T>(text: string, status: number, method: string, path: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new IvmBadResponseError(`${method} ${path}: HTTP ${status} with a body that is not JSON: ${text.slice(0, 200)}`, status, { cause: error });
  }
}

/** The API's error envelope as an IvmApiError; anything else (a proxy's HTML page) as IvmBadResponseError. */
function apiError(text: string, status: number, method: string, path: string): IvmApiError | IvmBadResponseError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (error === undefined || typeof error.code !== 'string' || !API_CODE.test(error.code)) {
    return new IvmBadResponseError(`${method} ${path}: HTTP ${status} without the API's error envelope: ${text.slice(0, 200)}`, status);
  }
  const code = error.code as ErrorCode;
  const message = typeof error.message === 'string' ? error.message : `${code} (HTTP ${status})`;
  return new IvmApiError(code, status, message, Array.isArray(error.details) ? error.details : []);
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') return `${cause.code}${typeof cause.message === 'string' ? ` ${cause.message}` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
