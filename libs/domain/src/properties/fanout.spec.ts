import fc from 'fast-check';
import { BRANDS, CatalogWorld, productDoc, propertyParams, registryFromSources, sampleSourcesWith, SKUS, worldContracts } from '../../testing';
import { planFanout, type FanoutBatch } from '../index';

/**
 * Fan-out (SPEC §6): a computed key set found by index key only; deterministic whatever order
 * the catalog was built in; split into batches within the contract's bound; never dropping a parent.
 */
const MAX_PER_BATCH = 2;
const registry = registryFromSources(
  sampleSourcesWith('rulesets/product.yaml', (t) => t.replace('maxFanoutPerBatch: 500', `maxFanoutPerBatch: ${MAX_PER_BATCH}`)),
);
const contracts = {
  ...worldContracts('sample'),
  registry,
  bumped: registry,
  fanout: { sliceTypes: ['PRODUCT_BRAND_ENRICHED'], parentsPerBatch: MAX_PER_BATCH },
};
const rename = { changes: [{ op: 'replace' as const, path: '/name', before: 'Acme', after: 'Acme Corp' }] };

async function plan(world: CatalogWorld, brandId: string): Promise<FanoutBatch[]> {
  const batches: FanoutBatch[] = [];
  for await (const batch of planFanout(world.registry, world.stores, world.tenantId, `brand#${brandId}`, rename)) batches.push(batch);
  return batches;
}

/** Distinct products, each with a brand and a document. */
const catalog = fc
  .uniqueArray(fc.constantFrom(...SKUS), { minLength: 1, maxLength: SKUS.length })
  .chain((skus) => fc.tuple(...skus.map((sku) => fc.tuple(productDoc(sku), fc.constantFrom(...BRANDS)))))
  .map((products) => products.map(([doc, brand]) => ({ ...doc, brand_id: brand })));

describe('fan-out planning', () => {
  it('is deterministic, bounded per batch, and reaches exactly the brand’s products', async () => {
    await fc.assert(
      fc.asyncProperty(catalog, async (products) => {
        const build = async (order: typeof products): Promise<CatalogWorld> => {
          const world = new CatalogWorld({ contracts });
          for (const [i, doc] of order.entries()) await world.apply({ kind: 'putProduct', doc, gap: 1, mode: 'INCREMENTAL', keyOrder: i });
          return world;
        };
        const forward = await build(products);
        const backward = await build([...products].reverse());
        for (const brand of BRANDS) {
          const batches = await plan(forward, brand);
          expect(await plan(backward, brand)).toEqual(batches);
          expect(await plan(forward, brand)).toEqual(batches);
          const expected = products
            .filter((p) => p.brand_id === brand)
            .map((p) => `product#${p.sku}`)
            .sort();
          expect(batches.flatMap((b) => b.entityKeys)).toEqual(expected);
          expect(batches.length).toBe(Math.ceil(expected.length / MAX_PER_BATCH));
          for (const batch of batches) {
            expect(batch.entityKeys.length * batch.sliceTypes.length).toBeLessThanOrEqual(MAX_PER_BATCH);
            expect(batch.indexKey).toBe(`IDX#brand#${brand.replace('%', '%25')}#product`);
            expect(batch.sliceTypes).toEqual(['PRODUCT_BRAND_ENRICHED']);
          }
        }
      }),
      propertyParams(300, 7201),
    );
  });

  it('finds deleted parents and products that moved to another brand no more', async () => {
    const world = new CatalogWorld({ contracts });
    for (const [i, sku] of ['P1', 'P2', 'P3'].entries()) {
      await world.apply({
        kind: 'putProduct',
        doc: { sku, name: 'x', brand_id: 'B1', category_ids: [], price: 1, currency: 'KRW', status: 'ACTIVE' },
        gap: 1,
        mode: 'INCREMENTAL',
        keyOrder: i,
      });
    }
    await world.apply({ kind: 'deleteProduct', sku: 'P2', gap: 1, mode: 'INCREMENTAL', keyOrder: 0 });
    await world.apply({ kind: 'editProduct', sku: 'P3', field: 'brand_id', value: 'B2', gap: 1, mode: 'INCREMENTAL', keyOrder: 0 });
    expect((await plan(world, 'B1')).flatMap((b) => b.entityKeys)).toEqual(['product#P1']);
    expect((await plan(world, 'B2')).flatMap((b) => b.entityKeys)).toEqual(['product#P3']);
  });
});
