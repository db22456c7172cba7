import { createInMemoryStores, insertRawdata, type JsonObject, readEffectiveSlices, SlicingEngine, type Stores } from '@ivm/domain';
import { sampleRegistry } from '@ivm/domain/testing';
import { startTestDynamo, type TestDynamo } from '../testing';

const T = 'acme';
const registry = sampleRegistry();

const product = (sku: string, brandId: string, extra: Partial<Record<string, unknown>> = {}): JsonObject =>
  ({ sku, name: `Product ${sku}`, brand_id: brandId, category_ids: ['C1'], price: 19000, currency: 'KRW', status: 'ACTIVE', ...extra }) as JsonObject;

/** Inserts one raw version and slices it INCREMENTAL (or FULL) from the previous one. */
async function step(
  stores: Stores,
  engine: SlicingEngine,
  change: { entityType: string; entityId: string; version: number; fromVersion: number; data: JsonObject | null; mode?: 'FULL' | 'INCREMENTAL' },
): Promise<void> {
  const input = { tenantId: T, entityType: change.entityType, entityId: change.entityId, version: change.version };
  await insertRawdata(registry, stores.raw, change.data === null ? { ...input, deleted: true } : { ...input, data: change.data });
  const entityKey = `${change.entityType}#${change.entityId}`;
  await engine.slice(
    change.mode === 'FULL'
      ? { tenantId: T, entityKey, version: change.version, mode: 'FULL' }
      : { tenantId: T, entityKey, version: change.version, mode: 'INCREMENTAL', fromVersion: change.fromVersion },
  );
}

describe('the domain engine on DynamoDB stores (dynalite)', () => {
  let dynamo: TestDynamo | undefined;
  const ready = (): TestDynamo => {
    if (!dynamo) throw new Error('dynalite is not ready');
    return dynamo;
  };

  beforeAll(async () => {
    dynamo = await startTestDynamo();
  });
  afterAll(async () => {
    // No test in this file ever scanned.
    expect(ready().counter.count('Scan')).toBe(0);
    await dynamo?.close();
  });

  it('costs a fixed number of requests to ingest and slice one new product (documented in the README)', async () => {
    const { stores, counter } = ready();
    const engine = new SlicingEngine(registry, stores);
    await step(stores, engine, { entityType: 'brand', entityId: 'B1', version: 1, fromVersion: 0, data: { brand_id: 'B1', name: 'Acme' } });

    counter.reset();
    await insertRawdata(registry, stores.raw, { tenantId: T, entityType: 'product', entityId: 'P1', version: 1, data: product('P1', 'B1') });
    // UpdateItem (the head, conditional: the atomic "newer than the latest") + BatchWriteItem (the record).
    expect(counter.snapshot()).toEqual({ BatchWriteItem: 1, UpdateItem: 1 });
    expect(counter.total()).toBe(2);

    counter.reset();
    const result = await engine.slice({ tenantId: T, entityKey: 'product#P1', version: 1, mode: 'INCREMENTAL', fromVersion: 0 });
    expect(result.written.sort()).toEqual(['PRODUCT_BRAND_ENRICHED', 'PRODUCT_CORE', 'PRODUCT_PRICE']);
    // GetItem (the head: raw v1 and the slicing state) · change set from 0: PutItem · rebuild:
    // BatchGetItem (the brand's head, for the join) + BatchWriteItem (2 index entries) + 3 PutItem
    // (slices) · UpdateItem (commit the slice set and the cutover on the head).
    expect(counter.snapshot()).toEqual({ BatchGetItem: 1, BatchWriteItem: 1, GetItem: 1, PutItem: 4, UpdateItem: 1 });
    expect(counter.total()).toBe(8);

    counter.reset();
    const again = await engine.slice({ tenantId: T, entityKey: 'product#P1', version: 1, mode: 'INCREMENTAL', fromVersion: 0 });
    expect(again.written).toEqual([]);
    // A replay: GetItem (head) · change set PutItem (refused: stored) + GetItem (the stored one) ·
    // BatchGetItem (brand head); every hash equals the committed set's, so nothing is written or committed.
    expect(counter.snapshot()).toEqual({ BatchGetItem: 1, GetItem: 2, PutItem: 1 });
  });

  it('costs a fixed number of requests for a brand rename fanning out to two products', async () => {
    const { stores, counter } = ready();
    const engine = new SlicingEngine(registry, stores);
    await step(stores, engine, { entityType: 'brand', entityId: 'B7', version: 1, fromVersion: 0, data: { brand_id: 'B7', name: 'Old' } });
    await step(stores, engine, { entityType: 'product', entityId: 'P71', version: 1, fromVersion: 0, data: product('P71', 'B7') });
    await step(stores, engine, { entityType: 'product', entityId: 'P72', version: 1, fromVersion: 0, data: product('P72', 'B7') });
    await insertRawdata(registry, stores.raw, { tenantId: T, entityType: 'brand', entityId: 'B7', version: 2, data: { brand_id: 'B7', name: 'New' } });

    counter.reset();
    const result = await engine.slice({ tenantId: T, entityKey: 'brand#B7', version: 2, mode: 'INCREMENTAL', fromVersion: 1 });
    expect(result.fanout).toEqual(['product#P71', 'product#P72']);
    expect(result.fanoutWritten).toBe(2);
    expect(counter.count('Scan')).toBe(0);
    // Brand: GetItem (head, with v2) + GetItem (raw v1) + PutItem (change set) + PutItem
    // (BRAND_CORE) + UpdateItem (commit). Fan-out: Query (index page) + BatchGetItem (both parents'
    // heads) + BatchGetItem (the brand's head, once for the batch) + BatchGetItem (their enriched
    // slices at version 1, to overwrite from the newer input vector) + PutItem ×2 + UpdateItem ×2.
    expect(counter.snapshot()).toEqual({ BatchGetItem: 3, GetItem: 2, PutItem: 4, Query: 1, UpdateItem: 3 });
    expect(counter.total()).toBe(13);
  });

  it('gives the same effective slices and index as FULL rebuilds on the in-memory stores', async () => {
    const { stores } = ready();
    const memory = createInMemoryStores();
    const dynamoEngine = new SlicingEngine(registry, stores);
    const memoryEngine = new SlicingEngine(registry, memory);
    const versions = new Map<string, number>();
    const steps: Array<{ entityType: string; entityId: string; data: JsonObject | null; gap?: number }> = [
      { entityType: 'brand', entityId: 'S1', data: { brand_id: 'S1', name: 'Acme' } },
      { entityType: 'brand', entityId: 'S2', data: { brand_id: 'S2', name: 'Globex' } },
      { entityType: 'product', entityId: 'Q1', data: product('Q1', 'S1', { category_ids: ['C8', 'C9'] }) },
      { entityType: 'product', entityId: 'Q2', data: product('Q2', 'S1', { category_ids: ['C8'] }) },
      { entityType: 'product', entityId: 'Q3', data: product('Q3', 'S2', { category_ids: ['C8'], attributes: { color: '빨강 🎨' } }) },
      { entityType: 'brand', entityId: 'S1', data: { brand_id: 'S1', name: 'Acme Corp' }, gap: 3 },
      { entityType: 'product', entityId: 'Q1', data: product('Q1', 'S1', { category_ids: ['C9'], price: 25000 }) },
      { entityType: 'product', entityId: 'Q2', data: product('Q2', 'S2', { category_ids: [] }), gap: 9 },
      { entityType: 'brand', entityId: 'S2', data: { brand_id: 'S2', name: 'Globex Intl' } },
      { entityType: 'product', entityId: 'Q3', data: null },
      { entityType: 'brand', entityId: 'S1', data: { brand_id: 'S1', name: 'Acme Global' } },
      { entityType: 'product', entityId: 'Q3', data: product('Q3', 'S1', { category_ids: ['C9'] }), gap: 2 },
      { entityType: 'brand', entityId: 'S2', data: null },
    ];
    for (const s of steps) {
      const key = `${s.entityType}#${s.entityId}`;
      const fromVersion = versions.get(key) ?? 0;
      const version = fromVersion + (s.gap ?? 1);
      versions.set(key, version);
      await step(stores, dynamoEngine, { ...s, version, fromVersion, mode: 'INCREMENTAL' });
      await step(memory, memoryEngine, { ...s, version, fromVersion, mode: 'FULL' });
    }

    const describeEffective = async (from: Stores, key: string, version: number): Promise<Record<string, string>> => {
      const [entityType, entityId] = key.split('#') as [string, string];
      const types = registry.ruleSet(entityType).slices.map((s) => s.type);
      const found = await readEffectiveSlices(registry, from, { tenantId: T, entityType, entityId, version });
      return Object.fromEntries(
        types.map((type) => {
          const slice = found.get(type);
          return [type, !slice || slice.tombstone ? '(none)' : `${slice.hash} ${JSON.stringify(slice.data)}`];
        }),
      );
    };
    for (const [key, version] of versions) {
      expect({ key, slices: await describeEffective(stores, key, version) }).toEqual({
        key,
        slices: await describeEffective(memory, key, version),
      });
    }
    for (const indexKey of ['IDX#brand#S1#product', 'IDX#brand#S2#product', 'IDX#category#C8#product', 'IDX#category#C9#product']) {
      expect({ indexKey, page: await stores.index.lookup(T, indexKey, { limit: 100 }) }).toEqual({
        indexKey,
        page: await memory.index.lookup(T, indexKey, { limit: 100 }),
      });
    }
    expect((await stores.index.lookup(T, 'IDX#brand#S1#product', { limit: 100 })).entityKeys).toEqual(['product#Q1', 'product#Q3']);
    expect((await stores.index.lookup(T, 'IDX#category#C8#product', { limit: 100 })).entityKeys).toEqual([]);
  });
});
