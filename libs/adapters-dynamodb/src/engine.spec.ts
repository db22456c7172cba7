import { createInMemoryStores, insertRawdata, type JsonObject, type SliceStore, SlicingEngine, type SlicingStores } from '@ivm/domain';
import { sampleRegistry } from '@ivm/domain/testing';
import { startTestDynamo, type TestDynamo } from './testing';

const T = 'acme';
const registry = sampleRegistry();

const product = (sku: string, brandId: string, extra: Partial<Record<string, unknown>> = {}): JsonObject =>
  ({ sku, name: `Product ${sku}`, brand_id: brandId, category_ids: ['C1'], price: 19000, currency: 'KRW', status: 'ACTIVE', ...extra }) as JsonObject;

/** Inserts one raw version and slices it INCREMENTAL (or FULL) from the previous one. */
async function step(
  stores: SlicingStores,
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
    // GetItem (same version?) + Query (latest) + conditional PutItem.
    expect(counter.snapshot()).toEqual({ GetItem: 1, PutItem: 1, Query: 1 });
    expect(counter.total()).toBe(3);

    counter.reset();
    const result = await engine.slice({ tenantId: T, entityKey: 'product#P1', version: 1, mode: 'INCREMENTAL', fromVersion: 0 });
    expect(result.written.sort()).toEqual(['PRODUCT_BRAND_ENRICHED', 'PRODUCT_CORE', 'PRODUCT_PRICE']);
    // Change set: GetItem (stored?) + GetItem (raw v1) + PutItem.
    // Rebuild: GetItem (raw v1) + 3 Query (effective per slice type) + 1 Query (latest brand)
    //          + 1 BatchWriteItem (2 index entries: brand, category) + 3 PutItem (slices).
    expect(counter.snapshot()).toEqual({ BatchWriteItem: 1, GetItem: 3, PutItem: 4, Query: 4 });
    expect(counter.total()).toBe(12);

    counter.reset();
    const again = await engine.slice({ tenantId: T, entityKey: 'product#P1', version: 1, mode: 'INCREMENTAL', fromVersion: 0 });
    expect(again.written).toEqual([]);
    // A replay reads (stored change set, raw, effective slices, brand) and writes nothing.
    expect(counter.snapshot()).toEqual({ GetItem: 2, Query: 4 });
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
    // Brand: change set GetItem ×3 (stored?, v1, v2) + PutItem; rebuild GetItem (raw) + Query
    // (effective BRAND_CORE) + PutItem. Fan-out: Query (index page) + Query ×2 (parents' latest);
    // parents rebuilt as one chunk: GetItem ×2 (raw) + Query ×2 (effective) + Query (brand, read
    // once for the chunk) + PutItem ×2.
    expect(counter.snapshot()).toEqual({ GetItem: 6, PutItem: 4, Query: 7 });
    expect(counter.total()).toBe(17);
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

    const describeEffective = async (slices: SliceStore, key: string, version: number): Promise<Record<string, string>> => {
      const types = registry.ruleSet(key.split('#')[0] as string).slices.map((s) => s.type);
      const found = await slices.effective(T, key, version, types);
      return Object.fromEntries(
        types.map((type) => {
          const slice = found.get(type);
          return [type, !slice || slice.tombstone ? '(none)' : `${slice.hash} ${JSON.stringify(slice.data)}`];
        }),
      );
    };
    for (const [key, version] of versions) {
      expect({ key, slices: await describeEffective(stores.slices, key, version) }).toEqual({
        key,
        slices: await describeEffective(memory.slices, key, version),
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
