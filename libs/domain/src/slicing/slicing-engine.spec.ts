import { engineSetup, TEST_TENANT } from '../../testing/engine-setup';
import { registryFromSources, rewriteSource, sampleSourcesWith } from '../../testing/sample-contracts';
import { type JsonObject } from '../canonical/canonical-json';
import { InvalidChangeSetRangeError, NotFoundError, UnmatchedChangePathError } from '../errors';
import { queryView } from '../views/query-view';

const T = TEST_TENANT;

const setup = engineSetup;

const product = (sku: string, over: Partial<Record<string, unknown>> = {}): JsonObject =>
  ({ sku, name: `Product ${sku}`, brand_id: 'B1', category_ids: ['C1', 'C2'], price: 1000, currency: 'KRW', status: 'ACTIVE', ...over }) as JsonObject;

const TYPES = ['PRODUCT_CORE', 'PRODUCT_PRICE', 'PRODUCT_BRAND_ENRICHED'];

describe('SlicingEngine on product changes', () => {
  it('writes 3 slices and 3 index entries for a product creation', async () => {
    const w = setup();
    await w.put('product', 'P1', 1, product('P1'));
    const result = await w.incremental('product#P1', 0, 1);
    expect(result).toMatchObject({
      entityKey: 'product#P1',
      version: 1,
      written: TYPES,
      unchanged: [],
      tombstoned: [],
      fanout: [],
      fanoutBatches: 0,
      fanoutWritten: 0,
    });
    const entries = [
      { indexKey: 'IDX#brand#B1#product', entityKey: 'product#P1' },
      { indexKey: 'IDX#category#C1#product', entityKey: 'product#P1' },
      { indexKey: 'IDX#category#C2#product', entityKey: 'product#P1' },
    ];
    expect(result.indexAdded).toEqual(entries);
    expect(result.indexRemoved).toEqual([]);
    expect(w.stores.index.all(T)).toEqual(entries);
    expect(w.logSince(0)).toEqual(['product#P1@1/PRODUCT_CORE', 'product#P1@1/PRODUCT_PRICE', 'product#P1@1/PRODUCT_BRAND_ENRICHED']);
    const slices = new Map(w.stores.slices.log.map((r) => [r.sliceType, r]));
    expect(slices.get('PRODUCT_CORE')?.data).toEqual({ sku: 'P1', name: 'Product P1', status: 'ACTIVE', brand_id: 'B1', category_ids: ['C1', 'C2'] });
    expect(slices.get('PRODUCT_PRICE')?.data).toEqual({ price: 1000, currency: 'KRW' });
    expect(slices.get('PRODUCT_PRICE')?.ruleSetRef).toEqual({ id: 'product', version: '1.0.0' });
  });

  it('gives the same result for FULL as for INCREMENTAL from 0', async () => {
    const a = setup();
    const b = setup();
    await a.put('product', 'P1', 1, product('P1'));
    await b.put('product', 'P1', 1, product('P1'));
    const inc = await a.incremental('product#P1', 0, 1);
    const full = await b.full('product#P1', 1);
    const { fromVersion, ...sameAsFull } = inc;
    expect(fromVersion).toBe(0);
    expect(full).toEqual(sameAsFull);
    expect(b.stores.slices.log).toEqual(a.stores.slices.log);
  });

  it('writes only PRODUCT_PRICE for a price edit, with no index change', async () => {
    const w = setup();
    await w.put('product', 'P1', 1, product('P1'));
    await w.incremental('product#P1', 0, 1);
    const indexWrites = w.stores.index.writes;
    const logAt = w.stores.slices.log.length;
    await w.put('product', 'P1', 2, product('P1', { price: 900 }));
    const result = await w.incremental('product#P1', 1, 2);
    expect(result).toMatchObject({ written: ['PRODUCT_PRICE'], unchanged: [], tombstoned: [], indexAdded: [], indexRemoved: [] });
    expect(w.stores.index.writes).toBe(indexWrites);
    expect(w.logSince(logAt)).toEqual(['product#P1@2/PRODUCT_PRICE']);
    // The other slices stay effective from version 1.
    const effective = await w.stores.slices.effective(T, 'product#P1', 2, TYPES);
    expect([...effective.values()].map((s) => `${s.sliceType}@${s.version}`)).toEqual(['PRODUCT_CORE@1', 'PRODUCT_PRICE@2', 'PRODUCT_BRAND_ENRICHED@1']);
  });

  it('moves the brand index entry and rebuilds CORE and ENRICHED when brand_id changes', async () => {
    const w = setup();
    await w.put('product', 'P1', 1, product('P1'));
    await w.incremental('product#P1', 0, 1);
    const logAt = w.stores.slices.log.length;
    await w.put('product', 'P1', 2, product('P1', { brand_id: 'B2' }));
    const result = await w.incremental('product#P1', 1, 2);
    expect(result.written).toEqual(['PRODUCT_CORE', 'PRODUCT_BRAND_ENRICHED']);
    expect(result.indexAdded).toEqual([{ indexKey: 'IDX#brand#B2#product', entityKey: 'product#P1' }]);
    expect(result.indexRemoved).toEqual([{ indexKey: 'IDX#brand#B1#product', entityKey: 'product#P1' }]);
    expect(w.logSince(logAt)).toEqual(['product#P1@2/PRODUCT_CORE', 'product#P1@2/PRODUCT_BRAND_ENRICHED']);
    expect(w.stores.index.all(T).map((e) => e.indexKey)).toEqual(['IDX#brand#B2#product', 'IDX#category#C1#product', 'IDX#category#C2#product']);
  });

  it('tombstones all 3 slices and removes every index entry on deletion', async () => {
    const w = setup();
    await w.put('product', 'P1', 1, product('P1'));
    await w.incremental('product#P1', 0, 1);
    await w.del('product', 'P1', 2);
    const result = await w.incremental('product#P1', 1, 2);
    expect(result).toMatchObject({ written: [], unchanged: [], tombstoned: TYPES, indexAdded: [] });
    expect(result.indexRemoved.map((e) => e.indexKey)).toEqual(['IDX#brand#B1#product', 'IDX#category#C1#product', 'IDX#category#C2#product']);
    expect(w.stores.index.all(T)).toEqual([]);
    const effective = await w.stores.slices.effective(T, 'product#P1', 2, TYPES);
    expect([...effective.values()].every((s) => s.tombstone && s.data === null && s.version === 2)).toBe(true);
  });

  it('writes nothing on a re-run, or on a FULL rebuild after INCREMENTAL', async () => {
    const w = setup();
    await w.put('product', 'P1', 1, product('P1'));
    await w.incremental('product#P1', 0, 1);
    await w.put('product', 'P1', 2, product('P1', { name: 'Renamed', category_ids: ['C3'] }));
    await w.incremental('product#P1', 1, 2);
    const writes = { slices: w.stores.slices.writes, index: w.stores.index.writes, changeSets: w.stores.changeSets.writes };
    expect((await w.incremental('product#P1', 1, 2)).written).toEqual([]);
    const full = await w.full('product#P1', 2);
    expect(full).toMatchObject({ written: [], tombstoned: [], unchanged: TYPES, indexAdded: [], indexRemoved: [] });
    expect({ slices: w.stores.slices.writes, index: w.stores.index.writes, changeSets: w.stores.changeSets.writes }).toEqual(writes);
  });

  it('fails closed on a changed path the impact map does not name, writing nothing', async () => {
    // /status is neither read by a slice nor mapped, so the registry accepts the set.
    const sources = rewriteSource(
      sampleSourcesWith('rulesets/product.yaml', (t) =>
        t.replace('      status: /status\n', '').replace('  - { path: /status, slices: [PRODUCT_CORE] }\n', ''),
      ),
      'views/product-detail.yaml',
      (t) => t.replace('  status: { slice: PRODUCT_CORE, path: /status }\n', ''),
    );
    const w = setup(registryFromSources(sources));
    await w.put('product', 'P1', 1, product('P1'));
    // A creation adds /status too, so only FULL can build version 1 under this RuleSet.
    await expect(w.incremental('product#P1', 0, 1)).rejects.toThrow(UnmatchedChangePathError);
    await w.full('product#P1', 1);
    const writes = { slices: w.stores.slices.writes, index: w.stores.index.writes };
    await w.put('product', 'P1', 2, product('P1', { status: 'INACTIVE' }));
    const attempt = w.incremental('product#P1', 1, 2);
    await expect(attempt).rejects.toThrow(UnmatchedChangePathError);
    await expect(attempt).rejects.toMatchObject({
      code: 'UNMATCHED_CHANGE_PATH',
      details: [{ path: '/status', message: 'no impactMap selector matches this path' }],
    });
    expect({ slices: w.stores.slices.writes, index: w.stores.index.writes }).toEqual(writes);

    // The same set with unmatchedPolicy FULL_REBUILD rebuilds every slice type instead.
    const rebuilding = setup(
      registryFromSources(rewriteSource(sources, 'rulesets/product.yaml', (t) => t.replace('unmatchedPolicy: FAIL_CLOSED', 'unmatchedPolicy: FULL_REBUILD'))),
    );
    await rebuilding.put('product', 'P1', 1, product('P1'));
    expect((await rebuilding.incremental('product#P1', 0, 1)).written).toEqual(TYPES);
    await rebuilding.put('product', 'P1', 2, product('P1', { status: 'INACTIVE', price: 5 }));
    const result = await rebuilding.incremental('product#P1', 1, 2);
    expect(result).toMatchObject({ written: ['PRODUCT_PRICE'], unchanged: ['PRODUCT_CORE', 'PRODUCT_BRAND_ENRICHED'] });
  });

  it('refuses an INCREMENTAL range that does not go forward', async () => {
    const w = setup();
    await w.put('product', 'P1', 1, product('P1'));
    await w.put('product', 'P1', 2, product('P1', { price: 1 }));
    await expect(w.incremental('product#P1', 2, 2)).rejects.toThrow(InvalidChangeSetRangeError);
    await expect(w.incremental('product#P1', 2, 1)).rejects.toThrow(new InvalidChangeSetRangeError(2, 1));
    expect(w.stores.slices.writes + w.stores.changeSets.writes).toBe(0);
  });

  it('refuses to slice a version that does not exist', async () => {
    const w = setup();
    await w.put('product', 'P1', 1, product('P1'));
    await expect(w.full('product#P1', 2)).rejects.toThrow(new NotFoundError('product#P1 version 2'));
    await expect(w.incremental('product#P1', 1, 2)).rejects.toThrow(NotFoundError);
    await expect(w.full('product#P9', 1)).rejects.toThrow(NotFoundError);
    expect(w.stores.slices.writes).toBe(0);
  });
});

describe('queryView over sliced products', () => {
  it('follows the active slice set and accepts an explicit version', async () => {
    const w = setup();
    await w.put('brand', 'B1', 1, { brand_id: 'B1', name: 'Acme' });
    await w.incremental('brand#B1', 0, 1);
    await w.put('product', 'P1', 1, product('P1'));
    await w.incremental('product#P1', 0, 1, { cutover: false });
    const query = (version?: number) =>
      queryView(
        w.registry,
        w.stores,
        version === undefined ? { tenantId: T, viewId: 'product-detail', entityId: 'P1' } : { tenantId: T, viewId: 'product-detail', entityId: 'P1', version },
      );

    await expect(query()).rejects.toThrow(new NotFoundError('product#P1 (no active version)'));
    await w.incremental('product#P1', 0, 1);
    await w.put('product', 'P1', 2, product('P1', { price: 900 }));
    await w.incremental('product#P1', 1, 2, { cutover: false });
    const v1 = await query();
    expect(v1).toMatchObject({ view: 'product-detail', version: 1, missingSlices: [] });
    expect(v1.data).toEqual({
      sku: 'P1',
      name: 'Product P1',
      status: 'ACTIVE',
      brand_id: 'B1',
      brand_name: 'Acme',
      category_ids: ['C1', 'C2'],
      price: 1000,
      currency: 'KRW',
    });
    expect((await query(2)).data['price']).toBe(900);
    expect((await query()).data['price']).toBe(1000);
    await w.incremental('product#P1', 1, 2);
    expect((await query()).data['price']).toBe(900);
    expect((await query(1)).data['price']).toBe(1000);
  });

  it('is NotFound once the product is deleted, or for a product never sliced', async () => {
    const w = setup();
    await w.put('product', 'P1', 1, product('P1'));
    await w.incremental('product#P1', 0, 1);
    // Without the brand the enriched slice still has sku and brand_id, so the view works.
    expect((await queryView(w.registry, w.stores, { tenantId: T, viewId: 'product-detail', entityId: 'P1' })).data).not.toHaveProperty('brand_name');
    await w.del('product', 'P1', 2);
    await w.incremental('product#P1', 1, 2);
    await expect(queryView(w.registry, w.stores, { tenantId: T, viewId: 'product-detail', entityId: 'P1', version: 2 })).rejects.toThrow(NotFoundError);
    await expect(queryView(w.registry, w.stores, { tenantId: T, viewId: 'product-detail', entityId: 'P9', version: 1 })).rejects.toThrow(NotFoundError);
  });
});
