import { engineSetup, TEST_TENANT } from '../../testing/engine-setup';
import { registryFromSources, sampleRegistry, sampleSourcesWith } from '../../testing/sample-contracts';
import { type JsonObject } from '../canonical/canonical-json';
import { type RuleSetContract } from '../contracts/model';
import { type JoinReference } from '../contracts/registry';
import { JoinImpactUndeclaredError, MissingIndexError } from '../errors';
import { fanoutIndexKey } from '../fanout/plan-fanout';
import { insertRawdata } from '../raw/insert-rawdata';

const T = TEST_TENANT;

const setup = engineSetup;

const product = (sku: string, brandId: string): JsonObject => ({
  sku,
  name: `Product ${sku}`,
  brand_id: brandId,
  category_ids: ['C1'],
  price: 1000,
  currency: 'KRW',
  status: 'ACTIVE',
});
const brand = (id: string, name: string): JsonObject => ({ brand_id: id, name });

describe('SlicingEngine fan-out through the brand join', () => {
  it('records the input vector of an enriched slice, with 0 for a brand that does not exist yet', async () => {
    const w = setup();
    await w.upsert('brand', 'B1', brand('B1', 'Acme'));
    await w.upsert('brand', 'B1', brand('B1', 'Acme Corp'));
    await w.upsert('product', 'P1', product('P1', 'B1'));
    await w.upsert('product', 'P2', product('P2', 'B9'));
    const p1 = await w.enriched('P1');
    expect(p1?.inputVector).toEqual({ 'product#P1': 1, 'brand#B1': 2 });
    expect(p1?.data).toEqual({ sku: 'P1', brand_id: 'B1', brand_name: 'Acme Corp' });
    const p2 = await w.enriched('P2');
    expect(p2?.inputVector).toEqual({ 'product#P2': 1, 'brand#B9': 0 });
    expect(p2?.data).toEqual({ sku: 'P2', brand_id: 'B9' });
  });

  it('fans a brand rename out to exactly the products of that brand', async () => {
    const w = setup();
    await w.upsert('brand', 'B1', brand('B1', 'Acme'));
    await w.upsert('brand', 'B2', brand('B2', 'Other'));
    await w.upsert('product', 'P1', product('P1', 'B1'));
    await w.upsert('product', 'P2', product('P2', 'B1'));
    await w.upsert('product', 'P3', product('P3', 'B2'));
    await w.upsert('product', 'P2', { ...product('P2', 'B1'), price: 5 });
    const logAt = w.stores.slices.log.length;
    const indexWrites = w.stores.index.writes;

    const result = await w.upsert('brand', 'B1', brand('B1', 'Acme Corp'));
    expect(result).toMatchObject({ written: ['BRAND_CORE'], fanout: ['product#P1', 'product#P2'], fanoutBatches: 1, fanoutWritten: 2 });
    // The parents are rebuilt at their newest version, and only their enriched slice.
    expect(w.logSince(logAt)).toEqual(['brand#B1@2/BRAND_CORE', 'product#P1@1/PRODUCT_BRAND_ENRICHED', 'product#P2@2/PRODUCT_BRAND_ENRICHED']);
    expect(w.stores.index.writes).toBe(indexWrites);
    expect((await w.enriched('P1'))?.data).toEqual({ sku: 'P1', brand_id: 'B1', brand_name: 'Acme Corp' });
    expect((await w.enriched('P2'))?.inputVector).toEqual({ 'product#P2': 2, 'brand#B1': 2 });
    expect((await w.enriched('P3'))?.data).toEqual({ sku: 'P3', brand_id: 'B2', brand_name: 'Other' });
  });

  it('fans a brand created after its products out to them', async () => {
    const w = setup();
    await w.upsert('product', 'P1', product('P1', 'B5'));
    await w.upsert('product', 'P2', product('P2', 'B5'));
    await w.upsert('product', 'P3', product('P3', 'B6'));
    const result = await w.upsert('brand', 'B5', brand('B5', 'Late'));
    expect(result).toMatchObject({ written: ['BRAND_CORE'], fanout: ['product#P1', 'product#P2'], fanoutWritten: 2 });
    expect((await w.enriched('P1'))?.inputVector).toEqual({ 'product#P1': 1, 'brand#B5': 1 });
    expect((await w.enriched('P2'))?.data).toEqual({ sku: 'P2', brand_id: 'B5', brand_name: 'Late' });
  });

  it('refreshes a parent whose deletion is not sliced yet (readers still get it), and reaches a product that moved to the brand', async () => {
    const w = setup();
    await w.upsert('brand', 'B1', brand('B1', 'Acme'));
    await w.upsert('product', 'P1', product('P1', 'B1'));
    await w.upsert('product', 'P2', product('P2', 'B2'));
    await w.upsert('product', 'P2', product('P2', 'B1'));
    // P1's deletion is stored but not sliced yet: the index still lists it, its raw data says deleted.
    await insertRawdata(sampleRegistry(), w.stores.raw, { tenantId: T, entityType: 'product', entityId: 'P1', version: 2, deleted: true });
    expect((await w.stores.index.lookup(T, 'IDX#brand#B1#product', { limit: 10 })).entityKeys).toEqual(['product#P1', 'product#P2']);
    const logAt = w.stores.slices.log.length;
    const result = await w.upsert('brand', 'B1', brand('B1', 'Acme 2'));
    expect(result.fanout).toEqual(['product#P1', 'product#P2']);
    // P1 is rebuilt at its active (and newest sliced) version 1, not at the unsliced deletion.
    expect(w.logSince(logAt)).toEqual(['brand#B1@2/BRAND_CORE', 'product#P1@1/PRODUCT_BRAND_ENRICHED', 'product#P2@2/PRODUCT_BRAND_ENRICHED']);
    expect((await w.enriched('P1'))?.data).toEqual({ sku: 'P1', brand_id: 'B1', brand_name: 'Acme 2' });
  });

  it('splits a fan-out past maxFanoutPerBatch into batches and reaches every parent', async () => {
    const registry = registryFromSources(sampleSourcesWith('rulesets/product.yaml', (t) => t.replace('maxFanoutPerBatch: 500', 'maxFanoutPerBatch: 2')));
    const w = setup(registry);
    await w.upsert('brand', 'B1', brand('B1', 'Acme'));
    const skus = ['P1', 'P2', 'P3', 'P4', 'P5'];
    for (const sku of skus) await w.upsert('product', sku, product(sku, 'B1'));
    const logAt = w.stores.slices.log.length;
    const result = await w.upsert('brand', 'B1', brand('B1', 'Acme Corp'));
    expect(result.fanoutBatches).toBe(Math.ceil(skus.length / 2));
    expect(result.fanout).toEqual(skus.map((s) => `product#${s}`));
    expect(result.fanoutWritten).toBe(5);
    expect(w.logSince(logAt)).toEqual(['brand#B1@2/BRAND_CORE', ...skus.map((s) => `product#${s}@1/PRODUCT_BRAND_ENRICHED`)]);
    for (const sku of skus) expect((await w.enriched(sku))?.data?.['brand_name']).toBe('Acme Corp');
  });

  it('fails closed on a brand path without declared join impact, writing nothing (not even BRAND_CORE)', async () => {
    const registry = registryFromSources(sampleSourcesWith('rulesets/product.yaml', (t) => t.replace('      - { path: /brand_id, slices: [] }\n', '')));
    const w = setup(registry);
    await w.upsert('product', 'P1', product('P1', 'B1'));
    const writes = { slices: w.stores.slices.writes, index: w.stores.index.writes };
    await w.put('brand', 'B1', 1, brand('B1', 'Acme'));
    const attempt = w.incremental('brand#B1', 0, 1);
    await expect(attempt).rejects.toThrow(JoinImpactUndeclaredError);
    await expect(attempt).rejects.toMatchObject({
      code: 'JOIN_IMPACT_UNDECLARED',
      details: [{ path: '/brand_id', message: 'no join impact selector matches this path' }],
    });
    expect({ slices: w.stores.slices.writes, index: w.stores.index.writes }).toEqual(writes);
    // A rename alone (only /name changes) is declared, so it goes through.
    await w.put('brand', 'B1', 2, brand('B1', 'Acme 2'));
    await w.engine.slice({ tenantId: T, entityKey: 'brand#B1', version: 1, mode: 'FULL' });
    expect((await w.incremental('brand#B1', 1, 2)).fanout).toEqual(['product#P1']);
  });

  it('rebuilds the parents on a FULL rebuild of the brand, and writes nothing more the second time', async () => {
    const w = setup();
    await w.upsert('product', 'P1', product('P1', 'B1'));
    await w.put('brand', 'B1', 1, brand('B1', 'Acme'));
    const first = await w.engine.slice({ tenantId: T, entityKey: 'brand#B1', version: 1, mode: 'FULL' });
    expect(first).toMatchObject({ written: ['BRAND_CORE'], fanout: ['product#P1'], fanoutWritten: 1 });
    const again = await w.engine.slice({ tenantId: T, entityKey: 'brand#B1', version: 1, mode: 'FULL' });
    expect(again).toMatchObject({ written: [], unchanged: ['BRAND_CORE'], fanout: ['product#P1'], fanoutWritten: 0 });
  });
});

describe('fanoutIndexKey', () => {
  const reference = sampleRegistry().joinsReading('brand')[0] as JoinReference;

  it('names the index key of the parents of a brand, encoding the id', () => {
    expect(fanoutIndexKey(reference, 'B77')).toBe('IDX#brand#B77#product');
    expect(fanoutIndexKey(reference, 'B%1')).toBe('IDX#brand#B%251#product');
  });

  it('fails closed with MISSING_INDEX when the RuleSet lacks the join index', () => {
    const ruleSet: RuleSetContract = { ...reference.ruleSet, indexes: reference.ruleSet.indexes.filter((x) => x.type !== 'brand') };
    const broken: JoinReference = { ruleSet, join: reference.join };
    expect(() => fanoutIndexKey(broken, 'B77')).toThrow(MissingIndexError);
    expect(() => fanoutIndexKey(broken, 'B77')).toThrow(expect.objectContaining({ code: 'MISSING_INDEX' }) as Error);
    expect(() => fanoutIndexKey({ ruleSet: reference.ruleSet, join: { ...reference.join, index: 'maker' } }, 'B77')).toThrow(
      'RuleSet product declares no index "maker", so parents of a changed join target cannot be found by key',
    );
  });
});
