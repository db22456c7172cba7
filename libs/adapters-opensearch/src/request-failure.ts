import { isRecord } from './bulk-outcomes';

/** A whole request that failed: transient (try again) or permanent (the cluster refuses it for good). */
export interface RequestFailure {
  readonly transient: boolean;
  readonly reason: string;
  /** OpenSearch's error type, when it answered with one (e.g. `resource_already_exists_exception`). */
  readonly type?: string;
}

/**
 * What a thrown client error means. By name and fields, not `instanceof`: errors may come from
 * another copy of the client. No answer (connection refused or reset, timeout) and 429/5xx are
 * transient; so are 401/403 — a credential fixed later makes the next attempt pass, and the
 * breaker keeps a misconfigured sink from being hammered. Other 4xx are permanent.
 */
export function requestFailure(error: unknown): RequestFailure {
  const statusCode = isRecord(error) && typeof error['statusCode'] === 'number' ? error['statusCode'] : undefined;
  const name = isRecord(error) && typeof error['name'] === 'string' ? error['name'] : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (statusCode === undefined) return { transient: true, reason: `${name}: ${message}`.slice(0, 300) };
  const cause = errorCause(error);
  const reason = `HTTP ${statusCode}${cause.type ? ` ${cause.type}` : ''}${cause.reason ? `: ${cause.reason}` : ''}`.slice(0, 300);
  const transient = statusCode === 429 || statusCode >= 500 || statusCode === 401 || statusCode === 403;
  return { transient, reason, ...(cause.type ? { type: cause.type } : {}) };
}

function errorCause(error: unknown): { type?: string; reason?: string } {
  const meta = isRecord(error) ? error['meta'] : undefined;
  const body = isRecord(meta) ? meta['body'] : undefined;
  const cause = isRecord(body) ? body['error'] : undefined;
  if (!isRecord(cause)) return {};
  return {
    ...(typeof cause['type'] === 'string' ? { type: cause['type'] } : {}),
    ...(typeof cause['reason'] === 'string' ? { reason: cause['reason'] } : {}),
  };
}
