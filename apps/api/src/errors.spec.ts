import {
  NotFoundError,
  SchemaViolationError,
  SliceInvariantViolationError,
  SliceMissingError,
  TransientError,
  UnmatchedChangePathError,
  VersionConflictError,
  StoreCorruptItemError,
  StoreUnavailableError,
} from '@ivm/domain';
import { HttpError, STATUS_BY_CODE, toErrorAnswer } from './errors';

describe('STATUS_BY_CODE', () => {
  it('maps every code to the status README and API.md promise (4xx: the caller can fix it; 5xx: the server)', () => {
    // Written out on purpose: a code moved to another status must show up here as a diff.
    expect(STATUS_BY_CODE).toEqual({
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
      PAYLOAD_TOO_LARGE: 413,
      ITEM_TOO_LARGE: 413,
      UNSUPPORTED_MEDIA_TYPE: 415,
      SCHEMA_VIOLATION: 422,
      ENTITY_ID_MISMATCH: 422,
      UNMATCHED_CHANGE_PATH: 422,
      JOIN_IMPACT_UNDECLARED: 422,
      SINK_NOT_CONFIGURED: 422,
      INTERNAL: 500,
      MISSING_INDEX: 500,
      SLICE_INVARIANT_VIOLATION: 500,
      INVARIANT_VIOLATION: 500,
      CONTRACT_INVALID: 500,
      STORE_CORRUPT_ITEM: 500,
      SINK_REJECTED: 502,
      NOT_READY: 503,
      TRANSIENT: 503,
      STORE_UNAVAILABLE: 503,
      SINK_UNAVAILABLE: 503,
    });
  });
});

describe('toErrorAnswer', () => {
  it.each([
    [
      'SchemaViolationError',
      new SchemaViolationError('product', [{ path: '/price', message: 'must be >= 0' }]),
      422,
      [{ path: '/price', message: 'must be >= 0' }],
    ],
    [
      'UnmatchedChangePathError',
      new UnmatchedChangePathError('product', ['/colour']),
      422,
      [{ path: '/colour', message: 'no impactMap selector matches this path' }],
    ],
    ['VersionConflictError', new VersionConflictError('brand#B1', 2), 409, []],
    ['SliceMissingError', new SliceMissingError('product-detail', 'product#P1', ['PRODUCT_PRICE']), 409, [{ path: 'PRODUCT_PRICE', message: 'slice missing' }]],
    ['NotFoundError', new NotFoundError('brand#B1 version 3'), 404, []],
    ['SliceInvariantViolationError', new SliceInvariantViolationError('a slice hash does not match its payload'), 500, []],
    ['TransientError', new TransientError('try again'), 503, []],
  ])('answers a %s with its status, code, message and details', (_name, error, status, details) => {
    expect(toErrorAnswer(error)).toEqual({
      status,
      body: { error: { code: error.code, message: error.message, details } },
      serverFault: status >= 500,
    });
  });

  it('answers an HttpError as it says', () => {
    expect(toErrorAnswer(new HttpError(403, 'FORBIDDEN', 'not yours'))).toEqual({
      status: 403,
      body: { error: { code: 'FORBIDDEN', message: 'not yours', details: [] } },
      serverFault: false,
    });
  });

  it.each([
    ['an Error', new Error('secret connection string postgres://u:p@db')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['an Error with a code nobody maps', Object.assign(new Error('EPIPE on socket 7'), { code: 'EPIPE' })],
    ['a thrown string', 'raw failure'],
    ['undefined', undefined],
  ])('answers %s with 500 INTERNAL and a generic message', (_what, error) => {
    expect(toErrorAnswer(error)).toEqual({
      status: 500,
      body: { error: { code: 'INTERNAL', message: 'Internal server error', details: [] } },
      serverFault: true,
    });
  });

  it('answers the store adapter’s errors with their code and a generic message, never the SDK’s or the table’s name', () => {
    const unavailable = new StoreUnavailableError('GetItem', 'DynamoDB GetItem failed: connect ECONNREFUSED 127.0.0.1:8000 (table ivm_raw)');
    expect(toErrorAnswer(unavailable)).toEqual({
      status: 503,
      body: { error: { code: 'STORE_UNAVAILABLE', message: 'The store is unavailable; retry later', details: [] } },
      serverFault: true,
    });
    const corrupt = new StoreCorruptItemError('ivm_slices', 'version');
    expect(corrupt.message).toContain('ivm_slices');
    expect(toErrorAnswer(corrupt)).toEqual({
      status: 500,
      body: { error: { code: 'STORE_CORRUPT_ITEM', message: 'The store holds an item this server cannot read', details: [] } },
      serverFault: true,
    });
  });
});
