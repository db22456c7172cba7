import type { ErrorCode } from '@ivm/domain';

/** Failures the SDK itself detects: the API was unreachable or silent, or answered something that is not the API. */
export type SdkErrorCode = 'SDK_NETWORK' | 'SDK_TIMEOUT' | 'SDK_BAD_RESPONSE' | 'SDK_WAIT_TIMEOUT' | 'SDK_CATALOG_MISMATCH' | 'SDK_CLOSED';

/** Every code an SDK error carries: the API's own (API.md) or the SDK's. */
export type IvmErrorCode = ErrorCode | SdkErrorCode;

/** Base of every error the SDK throws; `code` is stable, `details` structured. */
export abstract class IvmError extends Error {
  abstract readonly code: IvmErrorCode;
  /** Structured detail, e.g. `{path, message}` per schema violation (API.md error envelope). */
  readonly details: readonly unknown[];

  protected constructor(message: string, details: readonly unknown[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}

/** The API refused the call: `code` and `status` are the API's (the same in-process as over HTTP). */
export class IvmApiError<C extends ErrorCode = ErrorCode> extends IvmError {
  constructor(
    readonly code: C,
    /** The HTTP status the API answers this code with (API.md). */
    readonly status: number,
    message: string,
    details: readonly unknown[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, details, options);
  }

  /** Narrows to one code: `if (error instanceof IvmApiError && error.is('VERSION_CONFLICT'))`. */
  is<K extends ErrorCode>(code: K): this is IvmApiError<K> {
    return (this.code as ErrorCode) === code;
  }
}

/** The API could not be reached (refused connection, DNS, reset), after every retry. */
export class IvmNetworkError extends IvmError {
  readonly code = 'SDK_NETWORK' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, [], options);
  }
}

/** The API did not answer within `timeoutMs`, after every retry. */
export class IvmTimeoutError extends IvmError {
  readonly code = 'SDK_TIMEOUT' as const;
  constructor(
    message: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, [], options);
  }
}

/** The answer is not the API's: not JSON, or no error envelope on a failure status. */
export class IvmBadResponseError extends IvmError {
  readonly code = 'SDK_BAD_RESPONSE' as const;
  constructor(
    message: string,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, [], options);
  }
}

/** `deploy.wait` ran out of time before the job was DONE or FAILED; `job` is the last status seen. */
export class DeployWaitTimeoutError<J = unknown> extends IvmError {
  readonly code = 'SDK_WAIT_TIMEOUT' as const;
  constructor(
    message: string,
    readonly job: J,
  ) {
    super(message);
  }
}

/** The contracts an in-process client was given lack what the generated SDK was built from. */
export class CatalogMismatchError extends IvmError {
  readonly code = 'SDK_CATALOG_MISMATCH' as const;
  constructor(message: string, details: readonly { path: string; message: string }[]) {
    super(message, details);
  }
}

/** A call on a client after `close()`. */
export class ClientClosedError extends IvmError {
  readonly code = 'SDK_CLOSED' as const;
  constructor() {
    super('This IVM client is closed');
  }
}
