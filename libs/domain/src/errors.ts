/**
 * Every expected failure of the domain is one of these classes, each with a stable `code`
 * (the HTTP API maps codes to statuses) and, where it helps, `details` naming paths.
 */
/** Every stable error code the runtime answers with: domain errors, store errors and the HTTP layer's own. */
export const ERROR_CODES = [
  // The caller's request
  'INVALID_JSON',
  'INVALID_REQUEST',
  'INVALID_KEY',
  'INVALID_VERSION',
  'INVALID_CHANGESET_RANGE',
  'ILLEGAL_DEPLOY_COMBINATION',
  'INVALID_DEPLOY_REQUEST',
  'INVALID_OUTBOX_PAYLOAD',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'UNKNOWN_ENTITY_TYPE',
  'UNKNOWN_CONTRACT',
  'PAYLOAD_TOO_LARGE',
  'ITEM_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'SCHEMA_VIOLATION',
  'ENTITY_ID_MISMATCH',
  // State the caller can resolve
  'VERSION_CONFLICT',
  'VERSION_REGRESSION',
  'CHANGESET_CONFLICT',
  'CONTRACT_MISMATCH',
  'INCREMENTAL_BASE_MISMATCH',
  'RULESET_OUTDATED',
  'SLICE_MISSING',
  'SLICE_WRITE_CONFLICT',
  'CONCURRENCY_CONFLICT',
  'ILLEGAL_STATE_TRANSITION',
  'LEASE_LOST',
  'IDEMPOTENCY_KEY_REUSED',
  'SINK_NOT_CONFIGURED',
  'SINK_REJECTED',
  'SINK_UNAVAILABLE',
  'UNMATCHED_CHANGE_PATH',
  'JOIN_IMPACT_UNDECLARED',
  // The server's fault, or a store that did not answer
  'INTERNAL',
  'MISSING_INDEX',
  'SLICE_INVARIANT_VIOLATION',
  'INVARIANT_VIOLATION',
  'CONTRACT_INVALID',
  'STORE_CORRUPT_ITEM',
  'NOT_READY',
  'TRANSIENT',
  'STORE_UNAVAILABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  readonly details: readonly ErrorDetail[];

  constructor(message: string, options: { details?: readonly ErrorDetail[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details ?? [];
  }
}

export class SchemaViolationError extends DomainError {
  readonly code = 'SCHEMA_VIOLATION';
  constructor(entityType: string, details: readonly ErrorDetail[]) {
    super(`${entityType} document violates its schema (${details.length} problem${details.length === 1 ? '' : 's'})`, { details });
  }
}

export class UnknownEntityTypeError extends DomainError {
  readonly code = 'UNKNOWN_ENTITY_TYPE';
  constructor(readonly entityType: string) {
    super(`No contract declares entity type "${entityType}"`);
  }
}

export class EntityIdMismatchError extends DomainError {
  readonly code = 'ENTITY_ID_MISMATCH';
  constructor(idField: string, expected: string, actual: unknown) {
    super(`Field "${idField}" must equal the entity id "${expected}", got ${JSON.stringify(actual)}`, {
      details: [{ path: `/${idField}`, message: `must equal "${expected}"` }],
    });
  }
}

export class InvalidKeyError extends DomainError {
  readonly code = 'INVALID_KEY';
  constructor(message: string, details: readonly ErrorDetail[] = []) {
    super(message, { details });
  }
}

export class InvalidVersionError extends DomainError {
  readonly code = 'INVALID_VERSION';
  constructor(version: unknown) {
    super(`A version is an integer from 1 to ${Number.MAX_SAFE_INTEGER}, got ${JSON.stringify(version)}`);
  }
}

export class VersionConflictError extends DomainError {
  readonly code = 'VERSION_CONFLICT';
  constructor(entityKey: string, version: number) {
    super(`${entityKey} version ${version} already exists with other content`);
  }
}

export class VersionRegressionError extends DomainError {
  readonly code = 'VERSION_REGRESSION';
  constructor(entityKey: string, version: number, latest: number) {
    super(`${entityKey} version ${version} is not greater than the latest version ${latest}`);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(what: string) {
    super(`${what} was not found`);
  }
}

export class ChangeSetConflictError extends DomainError {
  readonly code = 'CHANGESET_CONFLICT';
  constructor(key: string) {
    super(`Change set ${key} already exists with another hash`);
  }
}

export class InvalidChangeSetRangeError extends DomainError {
  readonly code = 'INVALID_CHANGESET_RANGE';
  constructor(fromVersion: number, toVersion: number) {
    super(`A change set goes from an older to a newer version, got ${fromVersion} → ${toVersion}`);
  }
}

export class ContractMismatchError extends DomainError {
  readonly code = 'CONTRACT_MISMATCH';
  constructor(message: string) {
    super(message);
  }
}

export class UnmatchedChangePathError extends DomainError {
  readonly code = 'UNMATCHED_CHANGE_PATH';
  constructor(ruleSetId: string, paths: readonly string[]) {
    super(`RuleSet ${ruleSetId} maps no slice to changed path(s) ${paths.join(', ')} and its unmatchedPolicy is FAIL_CLOSED`, {
      details: paths.map((path) => ({ path, message: 'no impactMap selector matches this path' })),
    });
  }
}

export class JoinImpactUndeclaredError extends DomainError {
  readonly code = 'JOIN_IMPACT_UNDECLARED';
  constructor(ruleSetId: string, joinName: string, paths: readonly string[]) {
    super(`Join ${ruleSetId}.${joinName} declares no impact for changed path(s) ${paths.join(', ')}`, {
      details: paths.map((path) => ({ path, message: 'no join impact selector matches this path' })),
    });
  }
}

export class MissingIndexError extends DomainError {
  readonly code = 'MISSING_INDEX';
  constructor(message: string) {
    super(message);
  }
}

export class SliceMissingError extends DomainError {
  readonly code = 'SLICE_MISSING';
  constructor(viewId: string, entityKey: string, sliceTypes: readonly string[]) {
    super(`View ${viewId} needs slice(s) ${sliceTypes.join(', ')} of ${entityKey}, which are missing`, {
      details: sliceTypes.map((sliceType) => ({ path: sliceType, message: 'slice missing' })),
    });
  }
}

export class SliceInvariantViolationError extends DomainError {
  readonly code = 'SLICE_INVARIANT_VIOLATION';
  constructor(message: string) {
    super(message);
  }
}

export class SliceWriteConflictError extends DomainError {
  readonly code = 'SLICE_WRITE_CONFLICT';
  constructor(sliceKey: string) {
    super(`Slice ${sliceKey} was changed by a concurrent writer`);
  }
}

export class IllegalDeployCombinationError extends DomainError {
  readonly code = 'ILLEGAL_DEPLOY_COMBINATION';
  constructor(compile: string, ship: string) {
    super(`compile.${compile} with ship.${ship} is not allowed (allowed: sync+sync, sync+async, async+async)`);
  }
}

export class IllegalStateTransitionError extends DomainError {
  readonly code = 'ILLEGAL_STATE_TRANSITION';
  constructor(machine: string, from: string, to: string) {
    super(`${machine}: ${from} → ${to} is not an allowed transition`);
  }
}

export class InvalidDeployRequestError extends DomainError {
  readonly code = 'INVALID_DEPLOY_REQUEST';
  constructor(message: string, details: readonly ErrorDetail[] = []) {
    super(message, { details });
  }
}

/** A contract set that failed validation; `details` lists every problem as `file#/path`. */
export class ContractValidationError extends DomainError {
  readonly code = 'CONTRACT_INVALID';
  constructor(details: readonly ErrorDetail[]) {
    super(
      `The contract set is invalid (${details.length} problem${details.length === 1 ? '' : 's'}):\n${details.map((d) => `  - ${d.path}: ${d.message}`).join('\n')}`,
      { details },
    );
  }
}

export class UnknownContractError extends DomainError {
  readonly code = 'UNKNOWN_CONTRACT';
  constructor(kind: string, ref: string) {
    super(`No ${kind} contract ${ref} is loaded`);
  }
}

/** A failure that may pass on a later attempt (timeout, throttling, dropped connection): retried with backoff. */
export class TransientError extends DomainError {
  readonly code = 'TRANSIENT';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
  }
}

/** A failure that retrying cannot fix (bad input, broken invariant): fails at once, never retried. */
export class InvariantViolationError extends DomainError {
  readonly code = 'INVARIANT_VIOLATION';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
  }
}

/** Another worker is doing the same work right now (single-flight lost, optimistic write lost): wait and retry. */
export class ConcurrencyConflictError extends DomainError {
  readonly code = 'CONCURRENCY_CONFLICT';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
  }
}

/** A worker acted on an outbox task it no longer leases (reaped, or re-claimed by another worker). */
export class LeaseLostError extends DomainError {
  readonly code = 'LEASE_LOST';
  constructor(taskId: string, owner: string) {
    super(`Worker ${owner} does not hold the lease on outbox task ${taskId}`);
  }
}

/** An outbox payload that is not references only (e.g. carries document `data`) or is malformed. */
export class InvalidOutboxPayloadError extends DomainError {
  readonly code = 'INVALID_OUTBOX_PAYLOAD';
  constructor(details: readonly ErrorDetail[]) {
    super(`An outbox payload holds references only (${details.map((d) => `${d.path}: ${d.message}`).join('; ')})`, { details });
  }
}

/** A store did not answer or refused for a reason of its own (network, throttling, a missing table): retried with backoff. */
export class StoreUnavailableError extends DomainError {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(
    readonly operation: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** A stored item this runtime cannot read (written by something else, or damaged): an invariant violation, never retried. */
export class StoreCorruptItemError extends DomainError {
  readonly code = 'STORE_CORRUPT_ITEM';
  constructor(
    readonly store: string,
    readonly attribute: string,
    options: { cause?: unknown } = {},
  ) {
    super(`An item of the ${store} store has no valid "${attribute}" attribute`, options);
  }
}

/** A record larger than the store can hold in one item (DynamoDB: 400 KB); nothing of it was written. */
export class ItemTooLargeError extends DomainError {
  readonly code = 'ITEM_TOO_LARGE';
  /** `sizeBytes` is undefined when only the store itself said so (it does not tell the size). */
  constructor(
    readonly what: string,
    readonly sizeBytes: number | undefined,
    readonly limitBytes: number,
  ) {
    const size = sizeBytes === undefined ? '' : ` (${sizeBytes} bytes)`;
    super(`${what}${size} is over the store's limit of ${limitBytes} bytes per item`, {
      details: [{ path: what, message: sizeBytes === undefined ? `over ${limitBytes} bytes` : `${sizeBytes} bytes > ${limitBytes} bytes` }],
    });
  }
}

/** An INCREMENTAL slicing whose change set would not start at the entity's newest sliced version. */
export class IncrementalBaseMismatchError extends DomainError {
  readonly code = 'INCREMENTAL_BASE_MISMATCH';
  constructor(
    readonly entityKey: string,
    readonly version: number,
    readonly fromVersion: number,
    readonly slicedVersion: number,
  ) {
    super(
      `${entityKey} is sliced at version ${slicedVersion}, so an INCREMENTAL slicing of version ${version} must diff from ${slicedVersion}, not from ${fromVersion} (omit fromVersion, or slice FULL)`,
      { details: [{ path: 'fromVersion', message: `must be ${slicedVersion}, the newest sliced version` }] },
    );
  }
}

/**
 * A join-target change reached slices that a newer RuleSet version built, which this process
 * (on the older one) cannot rebuild: retried, so that a process on the newer version applies it.
 */
export class RuleSetOutdatedError extends DomainError {
  readonly code = 'RULESET_OUTDATED';
  constructor(
    readonly ruleSetRef: string,
    readonly entityKeys: readonly string[],
  ) {
    super(`${entityKeys.join(', ')} carry slices built by a newer version than RuleSet ${ruleSetRef}; retry on a process with the newer contracts`);
  }
}

/** An Idempotency-Key sent again with another request body: the key names the first request only. */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor(
    readonly key: string,
    readonly jobId: string,
  ) {
    super(`Idempotency-Key "${key}" was used for another request (job ${jobId}); use a new key for a different request`, {
      details: [{ path: 'Idempotency-Key', message: `already names job ${jobId} with another body` }],
    });
  }
}

/** A deploy names a sink this process cannot ship to (its URL or cluster setting is unset, or no plugin serves its type). */
export class SinkNotConfiguredError extends DomainError {
  readonly code = 'SINK_NOT_CONFIGURED';
  constructor(
    readonly sinkId: string,
    reason: string,
    path = '/ship/sinks',
    options: { cause?: unknown } = {},
  ) {
    super(`Sink "${sinkId}" is not configured: ${reason}`, { details: [{ path, message: reason }], ...options });
  }
}

/** A sink refused documents for good (e.g. a 4xx other than 409/429 from a webhook): never retried. */
export class SinkRejectedError extends DomainError {
  readonly code = 'SINK_REJECTED';
  constructor(
    readonly sinkId: string,
    readonly rejected: readonly { readonly docId: string; readonly reason: string }[],
  ) {
    super(
      `Sink "${sinkId}" rejected ${rejected.length} document${rejected.length === 1 ? '' : 's'}: ${rejected
        .slice(0, 3)
        .map((r) => `${r.docId} (${r.reason})`)
        .join(', ')}`,
      {
        details: rejected.map((r) => ({ path: r.docId, message: r.reason })),
      },
    );
  }
}

/** A sink did not take documents this time (timeouts, 429, 5xx, refused connections): retried with backoff. */
export class SinkUnavailableError extends DomainError {
  readonly code = 'SINK_UNAVAILABLE';
  /** The soonest the sink is worth trying again (an open circuit breaker's remaining period, a Retry-After); the retry waits at least this long. */
  readonly retryAfterMs: number | undefined;
  constructor(
    readonly sinkId: string,
    readonly pending: readonly { readonly docId: string; readonly reason: string }[],
    options: { readonly retryAfterMs?: number } = {},
  ) {
    super(
      `Sink "${sinkId}" did not take ${pending.length} document${pending.length === 1 ? '' : 's'}: ${pending
        .slice(0, 3)
        .map((r) => `${r.docId} (${r.reason})`)
        .join(', ')}`,
      {
        details: pending.map((r) => ({ path: r.docId, message: r.reason })),
      },
    );
    this.retryAfterMs = options.retryAfterMs;
  }
}
