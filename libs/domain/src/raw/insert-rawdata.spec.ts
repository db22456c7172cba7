import { sampleRegistry } from '../../testing/sample-contracts';
import { canonicalJson, type JsonObject } from '../canonical/canonical-json';
import {
  type DomainError,
  EntityIdMismatchError,
  InvalidKeyError,
  InvalidVersionError,
  NotFoundError,
  SchemaViolationError,
  UnknownEntityTypeError,
  VersionConflictError,
  VersionRegressionError,
} from '../errors';
import { createInMemoryStores } from '../memory/in-memory-stores';
import { insertRawdata, type InsertRawInput } from './insert-rawdata';
import { rawDocumentHash, TOMBSTONE_RAW_HASH } from './raw-hash';

const registry = sampleRegistry();
const T = 'acme';
const P1: JsonObject = { sku: 'P1', name: 'Cream', brand_id: 'B1', category_ids: ['C1', 'C2'], price: 1000, currency: 'KRW', status: 'ACTIVE' };

const put = (version: number, data: unknown, entityId = 'P1'): InsertRawInput => ({ tenantId: T, entityType: 'product', entityId, version, data });
const del = (version: number, entityId = 'P1'): InsertRawInput => ({ tenantId: T, entityType: 'product', entityId, version, deleted: true });

/** Runs the insert, expects it to fail, and returns the error after checking nothing was stored. */
async function failure(stores: ReturnType<typeof createInMemoryStores>, input: InsertRawInput): Promise<DomainError> {
  const writes = stores.raw.writes;
  const latest = (await stores.heads.get(T, 'product#P1'))?.latest;
  let thrown: unknown;
  try {
    await insertRawdata(registry, stores.raw, input);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeDefined();
  expect(stores.raw.writes).toBe(writes);
  expect((await stores.heads.get(T, 'product#P1'))?.latest).toBe(latest);
  return thrown as DomainError;
}

describe('insertRawdata', () => {
  it('stores a new version canonically and reports it as created', async () => {
    const stores = createInMemoryStores();
    const { record, created } = await insertRawdata(registry, stores.raw, put(1, { status: 'ACTIVE', ...P1 }));
    expect(created).toBe(true);
    expect(stores.raw.writes).toBe(1);
    expect(record).toEqual({ tenantId: T, entityKey: 'product#P1', version: 1, hash: rawDocumentHash(P1), deleted: false, data: P1 });
    // The stored document is in canonical key order.
    expect(JSON.stringify(record.data)).toBe(canonicalJson(P1));
    expect(await stores.raw.get(T, 'product#P1', 1)).toEqual(record);
  });

  it('replays an identical version as created: false, with no extra write', async () => {
    const stores = createInMemoryStores();
    const first = await insertRawdata(registry, stores.raw, put(1, P1));
    const reordered = Object.fromEntries(Object.entries(P1).reverse());
    const again = await insertRawdata(registry, stores.raw, put(1, reordered));
    expect(again).toEqual({ record: first.record, created: false });
    expect(stores.raw.writes).toBe(1);
  });

  it('replays an OLD version with identical content after newer ones', async () => {
    const stores = createInMemoryStores();
    await insertRawdata(registry, stores.raw, put(1, P1));
    await insertRawdata(registry, stores.raw, put(2, { ...P1, price: 900 }));
    const replay = await insertRawdata(registry, stores.raw, put(1, P1));
    expect(replay.created).toBe(false);
    expect(replay.record.version).toBe(1);
    expect(stores.raw.writes).toBe(2);
  });

  it('refuses other content at an existing version with VERSION_CONFLICT', async () => {
    const stores = createInMemoryStores();
    await insertRawdata(registry, stores.raw, put(1, P1));
    const error = await failure(stores, put(1, { ...P1, price: 999 }));
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error.code).toBe('VERSION_CONFLICT');
    // A deletion at a stored version is other content too.
    expect(await failure(stores, del(1))).toBeInstanceOf(VersionConflictError);
  });

  it('refuses a version older than the latest with VERSION_REGRESSION', async () => {
    const stores = createInMemoryStores();
    await insertRawdata(registry, stores.raw, put(5, P1));
    const error = await failure(stores, put(3, P1));
    expect(error).toBeInstanceOf(VersionRegressionError);
    expect(error.code).toBe('VERSION_REGRESSION');
    expect(error.message).toBe('product#P1 version 3 is not greater than the latest version 5');
  });

  it('lists every schema violation with its path', async () => {
    const stores = createInMemoryStores();
    const error = await failure(stores, put(1, { sku: 'P1', price: -1, currency: 'krw', status: 'GONE', colour: 'red', category_ids: 'C1' }));
    expect(error).toBeInstanceOf(SchemaViolationError);
    expect(error.code).toBe('SCHEMA_VIOLATION');
    expect(error.details).toEqual([
      { path: '/brand_id', message: "must have required property 'brand_id'" },
      { path: '/category_ids', message: 'must be array' },
      { path: '/colour', message: 'is not an allowed property' },
      { path: '/currency', message: 'must match pattern "^[A-Z]{3}$"' },
      { path: '/name', message: "must have required property 'name'" },
      { path: '/price', message: 'must be >= 0' },
      { path: '/status', message: 'must be one of ["ACTIVE","INACTIVE","DISCONTINUED"]' },
    ]);
  });

  it('reports wrong types at nested paths', async () => {
    const stores = createInMemoryStores();
    const error = await failure(stores, put(1, { ...P1, name: 7, price: 10.5, category_ids: ['C1', 3], attributes: { color: 1 } }));
    expect(error.details).toEqual([
      { path: '/attributes/color', message: 'must be string' },
      { path: '/category_ids/1', message: 'must be string' },
      { path: '/name', message: 'must be string' },
      { path: '/price', message: 'must be integer' },
    ]);
  });

  it('refuses a document that is not an object', async () => {
    const stores = createInMemoryStores();
    for (const data of [null, [], 'P1', 42]) {
      const error = await failure(stores, put(1, data));
      expect(error).toBeInstanceOf(SchemaViolationError);
      expect(error.details).toEqual([{ path: '/', message: 'must be object' }]);
    }
  });

  it('refuses an id field that is not the entity id', async () => {
    const stores = createInMemoryStores();
    const error = await failure(stores, put(1, { ...P1, sku: 'P2' }));
    expect(error).toBeInstanceOf(EntityIdMismatchError);
    expect(error.code).toBe('ENTITY_ID_MISMATCH');
    expect(error.details).toEqual([{ path: '/sku', message: 'must equal "P1"' }]);
  });

  it('refuses an unknown entity type', async () => {
    const stores = createInMemoryStores();
    const error = await failure(stores, { tenantId: T, entityType: 'warehouse', entityId: 'W1', version: 1, data: {} });
    expect(error).toBeInstanceOf(UnknownEntityTypeError);
    expect(error.code).toBe('UNKNOWN_ENTITY_TYPE');
  });

  it.each(['', 'Acme', 'ac me', 'acme#1', '-acme', 'a'.repeat(64)])('refuses the tenant id %j', async (tenantId) => {
    const stores = createInMemoryStores();
    const error = await failure(stores, { ...put(1, P1), tenantId });
    expect(error).toBeInstanceOf(InvalidKeyError);
    expect(error.details).toEqual([{ path: 'tenantId', message: expect.stringContaining('must match') as string }]);
  });

  it.each(['P#1', 'P/1', 'P 1', ' P1', 'P\t1', 'P\u00001', '', 'x'.repeat(257)])('refuses the entity id %j', async (entityId) => {
    const stores = createInMemoryStores();
    const error = await failure(stores, put(1, { ...P1, sku: entityId }, entityId));
    expect(error).toBeInstanceOf(InvalidKeyError);
    expect(error.code).toBe('INVALID_KEY');
    expect(error.details[0]?.path).toBe('entityId');
  });

  it('accepts entity ids with other punctuation and non-ASCII letters', async () => {
    const stores = createInMemoryStores();
    for (const id of ['ABC-123', 'a.b_c:d', '상품-1']) {
      expect((await insertRawdata(registry, stores.raw, put(1, { ...P1, sku: id }, id))).record.entityKey).toBe(`product#${id}`);
    }
  });

  it.each([0, 1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('refuses the version %p', async (version) => {
    const stores = createInMemoryStores();
    const error = await failure(stores, put(version, P1));
    expect(error).toBeInstanceOf(InvalidVersionError);
    expect(error.code).toBe('INVALID_VERSION');
  });

  it('records a deletion as a tombstone', async () => {
    const stores = createInMemoryStores();
    await insertRawdata(registry, stores.raw, put(1, P1));
    const { record, created } = await insertRawdata(registry, stores.raw, del(2));
    expect(created).toBe(true);
    expect(record).toEqual({ tenantId: T, entityKey: 'product#P1', version: 2, hash: TOMBSTONE_RAW_HASH, deleted: true, data: null });
    expect((await stores.heads.get(T, 'product#P1'))?.latest).toEqual(record);
    // Replaying the deletion is idempotent.
    expect((await insertRawdata(registry, stores.raw, del(2))).created).toBe(false);
    expect(stores.raw.writes).toBe(2);
  });

  it('refuses to delete an entity that was never created, or is already deleted', async () => {
    const stores = createInMemoryStores();
    const error = await failure(stores, del(1));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.code).toBe('NOT_FOUND');
    await insertRawdata(registry, stores.raw, put(1, P1));
    await insertRawdata(registry, stores.raw, del(2));
    expect(await failure(stores, del(3))).toBeInstanceOf(NotFoundError);
  });

  it('re-creates a deleted entity at a newer version', async () => {
    const stores = createInMemoryStores();
    await insertRawdata(registry, stores.raw, put(1, P1));
    await insertRawdata(registry, stores.raw, del(2));
    const { record, created } = await insertRawdata(registry, stores.raw, put(3, { ...P1, name: 'Back' }));
    expect(created).toBe(true);
    expect(record.deleted).toBe(false);
    expect((await stores.heads.get(T, 'product#P1'))?.latest?.version).toBe(3);
    // The deletion version itself cannot be rewritten with a document.
    expect(await failure(stores, put(2, P1))).toBeInstanceOf(VersionConflictError);
  });

  it('keeps tenants apart', async () => {
    const stores = createInMemoryStores();
    await insertRawdata(registry, stores.raw, put(1, P1));
    const other = await insertRawdata(registry, stores.raw, { ...put(1, { ...P1, price: 5 }), tenantId: 'other' });
    expect(other.created).toBe(true);
    expect((await stores.raw.get(T, 'product#P1', 1))?.data?.['price']).toBe(1000);
  });
});
