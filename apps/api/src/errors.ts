import { DomainError, type ErrorCode, schemaErrorDetails } from '@ivm/domain';
import { type FastifyError } from 'fastify';

/** What every error answer looks like (API.md). */
export interface ErrorEnvelope {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly details: readonly unknown[] };
}

/** An error the HTTP layer itself raises (auth, routing, readiness). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly unknown[] = [],
  ) {
    super(message);
  }
}

/**
 * Domain error code → HTTP status. 4xx is the caller's mistake (or a state the caller can
 * resolve), 5xx only the server's fault. Codes not listed are treated as server faults.
 *
 * | status | codes |
 * | --- | --- |
 * | 400 | INVALID_JSON, INVALID_REQUEST, INVALID_KEY, INVALID_VERSION, INVALID_CHANGESET_RANGE, ILLEGAL_DEPLOY_COMBINATION, INVALID_DEPLOY_REQUEST, INVALID_OUTBOX_PAYLOAD |
 * | 401 | UNAUTHENTICATED |
 * | 403 | FORBIDDEN |
 * | 404 | NOT_FOUND, UNKNOWN_ENTITY_TYPE, UNKNOWN_CONTRACT |
 * | 409 | VERSION_CONFLICT, VERSION_REGRESSION, CHANGESET_CONFLICT, CONTRACT_MISMATCH, INCREMENTAL_BASE_MISMATCH, RULESET_OUTDATED, SLICE_MISSING, SLICE_WRITE_CONFLICT, CONCURRENCY_CONFLICT, ILLEGAL_STATE_TRANSITION, LEASE_LOST |
 * | 413 | PAYLOAD_TOO_LARGE (the HTTP body), ITEM_TOO_LARGE (a record over the store's per-item limit) |
 * | 415 | UNSUPPORTED_MEDIA_TYPE |
 * | 422 | SCHEMA_VIOLATION, ENTITY_ID_MISMATCH, UNMATCHED_CHANGE_PATH, JOIN_IMPACT_UNDECLARED |
 * | 500 | INTERNAL, MISSING_INDEX, SLICE_INVARIANT_VIOLATION, INVARIANT_VIOLATION, CONTRACT_INVALID |
 * | 503 | NOT_READY, TRANSIENT, STORE_UNAVAILABLE (a store did not answer) |
 * | 500 | STORE_CORRUPT_ITEM (an item the adapter cannot read) |
 *
 * SLICE_MISSING is 409: the request is well formed but the entity's slices at that version are
 * not complete yet (slice it, or ask for another version). UNMATCHED_CHANGE_PATH and
 * JOIN_IMPACT_UNDECLARED are 422: the data change is one the loaded contracts cannot slice.
 * MISSING_INDEX is 500: the registry guarantees every join's index, so it is an operator fault.
 */
export const STATUS_BY_CODE = {
  INVALID_JSON: 400,
  INVALID_REQUEST: 400,
  INVALID_KEY: 400,
  INVALID_VERSION: 400,
  INVALID_CHANGESET_RANGE: 400,
  ILLEGAL_DEPLOY_COMBINATION: 400,
  INVALID_DEPLOY_REQUEST: 400,
  INVALID_OUTBOX_PAYLOAD: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  UNKNOWN_ENTITY_TYPE: 404,
  UNKNOWN_CONTRACT: 404,
  VERSION_CONFLICT: 409,
  VERSION_REGRESSION: 409,
  CHANGESET_CONFLICT: 409,
  CONTRACT_MISMATCH: 409,
  INCREMENTAL_BASE_MISMATCH: 409,
  RULESET_OUTDATED: 409,
  SLICE_MISSING: 409,
  SLICE_WRITE_CONFLICT: 409,
  CONCURRENCY_CONFLICT: 409,
  ILLEGAL_STATE_TRANSITION: 409,
  LEASE_LOST: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  SINK_NOT_CONFIGURED: 422,
  SINK_REJECTED: 502,
  SINK_UNAVAILABLE: 503,
  PAYLOAD_TOO_LARGE: 413,
  ITEM_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SCHEMA_VIOLATION: 422,
  ENTITY_ID_MISMATCH: 422,
  UNMATCHED_CHANGE_PATH: 422,
  JOIN_IMPACT_UNDECLARED: 422,
  INTERNAL: 500,
  MISSING_INDEX: 500,
  SLICE_INVARIANT_VIOLATION: 500,
  INVARIANT_VIOLATION: 500,
  CONTRACT_INVALID: 500,
  NOT_READY: 503,
  TRANSIENT: 503,
  STORE_UNAVAILABLE: 503,
  STORE_CORRUPT_ITEM: 500,
} as const satisfies Readonly<Record<ErrorCode, number>>;

/** Store errors: their messages name tables and SDK internals (for the log), so callers get these instead. */
const STORE_MESSAGES: Readonly<Partial<Record<ErrorCode, string>>> = {
  STORE_UNAVAILABLE: 'The store is unavailable; retry later',
  STORE_CORRUPT_ITEM: 'The store holds an item this server cannot read',
};

/** Fastify's own error codes → ours. */
const FASTIFY_CODES: Readonly<Record<string, { code: ErrorCode; message?: string }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_JSON', message: 'The body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'INVALID_JSON', message: 'The body is empty but Content-Type says application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'The body is larger than the configured limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send JSON with Content-Type: application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'INVALID_REQUEST', message: 'Content-Length does not match the body' },
};

export interface ErrorAnswer {
  readonly status: number;
  readonly body: ErrorEnvelope;
  /** True when the server is at fault (log it with its stack; never show internals). */
  readonly serverFault: boolean;
}

export function envelope(code: ErrorCode, message: string, details: readonly unknown[] = []): ErrorEnvelope {
  return { error: { code, message, details } };
}

/** Any thrown value → status and envelope. */
export function toErrorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof HttpError) return answer(error.status, error.code, error.message, error.details);
  if (error instanceof DomainError)
    return answer(STATUS_BY_CODE[error.code], error.code, STORE_MESSAGES[error.code] ?? error.message, STORE_MESSAGES[error.code] ? [] : error.details);
  if (isFastifyError(error)) {
    if (error.validation) return answer(400, 'INVALID_REQUEST', 'The request does not match the schema of this route', validationDetails(error));
    const known = FASTIFY_CODES[error.code];
    if (known) return answer(STATUS_BY_CODE[known.code], known.code, known.message ?? error.message);
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return answer(status, 'INVALID_REQUEST', error.message);
  }
  return answer(500, 'INTERNAL', 'Internal server error');
}

function answer(status: number, code: ErrorCode, message: string, details: readonly unknown[] = []): ErrorAnswer {
  return { status, body: envelope(code, message, details), serverFault: status >= 500 };
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as Partial<FastifyError>).code === 'string';
}

/** Ajv errors as `{path, message}`, the path a JSON Pointer prefixed by where it is: `/body/version`, `/params/version`. */
function validationDetails(error: FastifyError): { path: string; message: string }[] {
  return schemaErrorDetails(error.validation, { prefix: `/${error.validationContext ?? 'body'}` });
}
