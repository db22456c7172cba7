import { DomainError, type ErrorCode, schemaErrorDetails, STATUS_BY_CODE } from '@ivm/domain';
import { type FastifyError } from 'fastify';

// The table lives beside the codes (the in-process SDK reports the same statuses); re-exported for the app's users.
export { STATUS_BY_CODE };

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
