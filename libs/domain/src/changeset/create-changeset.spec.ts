import { sampleRegistry } from '../../testing/sample-contracts';
import { type JsonObject } from '../canonical/canonical-json';
import {
  ChangeSetConflictError,
  ContractMismatchError,
  InvalidChangeSetRangeError,
  InvalidKeyError,
  InvalidVersionError,
  NotFoundError,
  UnknownEntityTypeError,
} from '../errors';
import { createInMemoryStores } from '../memory/in-memory-stores';
import { type ChangeSetRecord } from '../ports/records';
import { type ChangeSetStore } from '../ports/stores';
import { insertRawdata } from '../raw/insert-rawdata';
import { changeSetHash, createChangeSet } from './create-changeset';

const registry = sampleRegistry();
const T = 'acme';
const KEY = 'product#P1';
const REFS = { schemaRef: { id: 'product', version: '1.0.0' }, ruleSetRef: { id: 'product', version: '1.0.0' } };

const P1: JsonObject = { sku: 'P1', name: 'Cream', brand_id: 'B1', category_ids: ['C1'], price: 1000, currency: 'KRW', status: 'ACTIVE' };

async function storesWith(...docs: (JsonObject | 'deleted')[]): Promise<ReturnType<typeof createInMemoryStores>> {
  const stores = createInMemoryStores();
  for (const [i, doc] of docs.entries()) {
    const version = i + 1;
    if (doc === 'deleted') await insertRawdata(registry, stores.raw, { tenantId: T, entityType: 'product', entityId: 'P1', version, deleted: true });
    else await insertRawdata(registry, stores.raw, { tenantId: T, entityType: 'product', entityId: 'P1', version, data: doc });
  }
  return stores;
}

describe('createChangeSet', () => {
  it('diffs a creation from version 0 and stores it once', async () => {
    const stores = await storesWith(P1);
    const { changeSet, created } = await createChangeSet(registry, stores, { tenantId: T, entityKey: KEY, fromVersion: 0, toVersion: 1 });
    expect(created).toBe(true);
    expect(stores.changeSets.writes).toBe(1);
    expect(changeSet).toMatchObject({ tenantId: T, entityKey: KEY, fromVersion: 0, toVersion: 1, ...REFS });
    expect(changeSet.changes.map((c) => `${c.op} ${c.path}`)).toEqual([
      'add /brand_id',
      'add /category_ids',
      'add /currency',
      'add /name',
      'add /price',
      'add /sku',
      'add /status',
    ]);
    expect(changeSet.hash).toBe(changeSetHash(KEY, 0, 1, REFS.schemaRef, REFS.ruleSetRef, changeSet.changes));
    expect(await stores.changeSets.get(T, KEY, 0, 1, REFS)).toEqual(changeSet);
  });

  it('diffs an edit as the changed fields only', async () => {
    const stores = await storesWith(P1, { ...P1, price: 900 });
    const { changeSet } = await createChangeSet(registry, stores, { tenantId: T, entityKey: KEY, fromVersion: 1, toVersion: 2, ...REFS });
    expect(changeSet.changes).toEqual([{ op: 'replace', path: '/price', before: 1000, after: 900 }]);
  });

  it('gives the same hash for the same versions in another store, and another hash for other content', async () => {
    const a = await createChangeSet(registry, await storesWith(P1, { ...P1, price: 900 }), { tenantId: T, entityKey: KEY, fromVersion: 1, toVersion: 2 });
    const b = await createChangeSet(registry, await storesWith(P1, { ...P1, price: 900 }), { tenantId: T, entityKey: KEY, fromVersion: 1, toVersion: 2 });
    const c = await createChangeSet(registry, await storesWith(P1, { ...P1, price: 800 }), { tenantId: T, entityKey: KEY, fromVersion: 1, toVersion: 2 });
    expect(b.changeSet.hash).toBe(a.changeSet.hash);
    expect(c.changeSet.hash).not.toBe(a.changeSet.hash);
    expect(a.changeSet.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes the version range too', () => {
    const changes = [{ op: 'replace' as const, path: '/price', before: 1, after: 2 }];
    const h = changeSetHash(KEY, 1, 2, REFS.schemaRef, REFS.ruleSetRef, changes);
    expect(changeSetHash(KEY, 1, 3, REFS.schemaRef, REFS.ruleSetRef, changes)).not.toBe(h);
    expect(changeSetHash('product#P2', 1, 2, REFS.schemaRef, REFS.ruleSetRef, changes)).not.toBe(h);
    expect(changeSetHash(KEY, 1, 2, { id: 'product', version: '1.0.1' }, REFS.ruleSetRef, changes)).not.toBe(h);
  });

  it('is idempotent: a second call returns the stored change set and writes nothing', async () => {
    const stores = await storesWith(P1, { ...P1, name: 'Cream 2' });
    const first = await createChangeSet(registry, stores, { tenantId: T, entityKey: KEY, fromVersion: 1, toVersion: 2 });
    const second = await createChangeSet(registry, stores, { tenantId: T, entityKey: KEY, fromVersion: 1, toVersion: 2 });
    expect(second.created).toBe(false);
    expect(second.changeSet).toEqual(first.changeSet);
    expect(stores.changeSets.writes).toBe(1);
  });

  it('diffs a deletion as the removal of every field', async () => {
    const stores = await storesWith(P1, 'deleted');
    const { changeSet } = await createChangeSet(registry, stores, { tenantId: T, entityKey: KEY, fromVersion: 1, toVersion: 2 });
    expect(changeSet.changes.map((c) => `${c.op} ${c.path}`)).toEqual([
      'remove /brand_id',
      'remove /category_ids',
      'remove /currency',
      'remove /name',
      'remove /price',
      'remove /sku',
      'remove /status',
    ]);
    expect(changeSet.changes.find((c) => c.path === '/price')).toEqual({ op: 'remove', path: '/price', before: 1000 });
  });

  it('diffs a re-creation after a deletion as adds', async () => {
    const stores = await storesWith(P1, 'deleted', { ...P1, name: 'Back' });
    const { changeSet } = await createChangeSet(registry, stores, { tenantId: T, entityKey: KEY, fromVersion: 2, toVersion: 3 });
    expect(changeSet.changes).toHaveLength(7);
    expect(changeSet.changes.every((c) => c.op === 'add')).toBe(true);
  });

  it('fails with NotFoundError when a version is missing, and writes nothing', async () => {
    const stores = await storesWith(P1);
    await expect(createChangeSet(registry, stores, { tenantId: T, entityKey: KEY, fromVersion: 1, toVersion: 2 })).rejects.toThrow(
      new NotFoundError('product#P1 version 2'),
    );
    await expect(createChangeSet(registry, stores, { tenantId: T, entityKey: 'product#P9', fromVersion: 0, toVersion: 1 })).rejects.toThrow(NotFoundError);
    const gap = await storesWith(P1);
    await insertRawdata(registry, gap.raw, { tenantId: T, entityType: 'product', entityId: 'P1', version: 3, data: P1 });
    await expect(createChangeSet(registry, gap, { tenantId: T, entityKey: KEY, fromVersion: 2, toVersion: 3 })).rejects.toThrow(
      new NotFoundError('product#P1 version 2'),
    );
    expect(stores.changeSets.writes + gap.changeSets.writes).toBe(0);
  });

  it.each([
    [1, 1],
    [2, 1],
  ])('refuses the range %i → %i with InvalidChangeSetRangeError', async (fromVersion, toVersion) => {
    const stores = await storesWith(P1, { ...P1, price: 1 });
    const attempt = createChangeSet(registry, stores, { tenantId: T, entityKey: KEY, fromVersion, toVersion });
    await expect(attempt).rejects.toThrow(InvalidChangeSetRangeError);
    await expect(attempt).rejects.toMatchObject({ code: 'INVALID_CHANGESET_RANGE' });
    expect(stores.changeSets.writes).toBe(0);
  });

  it.each([
    [-1, 2],
    [1.5, 2],
    [0, 0],
    [1, Number.NaN],
  ])('refuses the versions %p → %p with InvalidVersionError', async (fromVersion, toVersion) => {
    const stores = await storesWith(P1);
    await expect(createChangeSet(registry, stores, { tenantId: T, entityKey: KEY, fromVersion, toVersion })).rejects.toThrow(InvalidVersionError);
  });

  it('refuses refs that are not the loaded contracts with ContractMismatchError', async () => {
    const stores = await storesWith(P1);
    const input = { tenantId: T, entityKey: KEY, fromVersion: 0, toVersion: 1 };
    await expect(createChangeSet(registry, stores, { ...input, schemaRef: { id: 'product', version: '2.0.0' } })).rejects.toThrow(
      new ContractMismatchError('EntitySchema product@2.0.0 was requested, but product@1.0.0 is loaded'),
    );
    await expect(createChangeSet(registry, stores, { ...input, ruleSetRef: { id: 'brand', version: '1.0.0' } })).rejects.toMatchObject({
      code: 'CONTRACT_MISMATCH',
    });
    expect(stores.changeSets.writes).toBe(0);
  });

  it('computes its own change set under the loaded contracts, beside one stored under others (a contract upgrade)', async () => {
    const stores = await storesWith(P1);
    const foreign: ChangeSetRecord = {
      tenantId: T,
      entityKey: KEY,
      fromVersion: 0,
      toVersion: 1,
      schemaRef: { id: 'product', version: '0.9.0' },
      ruleSetRef: REFS.ruleSetRef,
      changes: [],
      hash: 'x',
    };
    await stores.changeSets.putIfAbsent(foreign);
    const { changeSet, created } = await createChangeSet(registry, stores, { tenantId: T, entityKey: KEY, fromVersion: 0, toVersion: 1 });
    expect(created).toBe(true);
    expect(changeSet.schemaRef).toEqual(REFS.schemaRef);
    expect(await stores.changeSets.get(T, KEY, 0, 1, REFS)).toEqual(changeSet);
    expect(await stores.changeSets.get(T, KEY, 0, 1, { schemaRef: foreign.schemaRef, ruleSetRef: foreign.ruleSetRef })).toEqual(foreign);
  });

  it('reports a concurrent writer that stored another hash as a conflict', async () => {
    const stores = await storesWith(P1);
    const racing: ChangeSetStore = {
      get: async () => undefined,
      putIfAbsent: async (record) => ({ stored: false, existing: { ...record, hash: 'other' } }),
    };
    await expect(
      createChangeSet(registry, { raw: stores.raw, changeSets: racing }, { tenantId: T, entityKey: KEY, fromVersion: 0, toVersion: 1 }),
    ).rejects.toThrow(ChangeSetConflictError);
    const agreeing: ChangeSetStore = { get: async () => undefined, putIfAbsent: async (record) => ({ stored: false, existing: record }) };
    const result = await createChangeSet(registry, { raw: stores.raw, changeSets: agreeing }, { tenantId: T, entityKey: KEY, fromVersion: 0, toVersion: 1 });
    expect(result.created).toBe(false);
  });

  it('checks the tenant and the entity key', async () => {
    const stores = await storesWith(P1);
    await expect(createChangeSet(registry, stores, { tenantId: 'Bad Tenant', entityKey: KEY, fromVersion: 0, toVersion: 1 })).rejects.toThrow(InvalidKeyError);
    await expect(createChangeSet(registry, stores, { tenantId: T, entityKey: 'product', fromVersion: 0, toVersion: 1 })).rejects.toThrow(InvalidKeyError);
    await expect(createChangeSet(registry, stores, { tenantId: T, entityKey: 'warehouse#W1', fromVersion: 0, toVersion: 1 })).rejects.toThrow(
      UnknownEntityTypeError,
    );
  });
});
