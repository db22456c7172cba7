import fc from 'fast-check';
import { CatalogWorld, catalogOps, propertyParams, shuffleKeys, TENANTS, type CatalogOp } from '../../testing';
import { canonicalJson, contentHash, type Json } from '../index';

/**
 * Determinism (SPEC §2.3): the same inputs give the same raw hashes, change sets, slice hashes,
 * index keys and views, whatever order object keys arrive in and across runs.
 */
async function fingerprint(ops: readonly CatalogOp[]): Promise<string> {
  const world = new CatalogWorld();
  const parts: Json[] = [];
  for (const op of ops) {
    const step = await world.apply(op);
    const key = step.entityKey;
    const from = step.result?.fromVersion;
    parts.push({
      key: key === undefined ? op.kind : `${step.tenantId}/${key}`,
      version: step.version,
      writes: step.sliceWrites.map((w) => `${w.tenantId}/${w.entityKey}/${w.sliceType}@${w.version}:${w.hash}`),
      raw: key === undefined ? null : ((await world.stores.heads.get(step.tenantId, key))?.latest.hash ?? null),
      changeSet:
        key === undefined || from === undefined
          ? null
          : ((await world.stores.changeSets.get(step.tenantId, key, from, step.version, world.changeSetContracts(key)))?.hash ?? null),
    });
  }
  for (const tenantId of TENANTS) parts.push(world.stores.index.all(tenantId).map((e) => `${tenantId}:${e.indexKey}>${e.entityKey}`));
  return contentHash('test.fingerprint', parts);
}

describe('determinism', () => {
  it('the same sequence sent with other key orders gives identical hashes, writes and index', async () => {
    await fc.assert(
      fc.asyncProperty(catalogOps({ minLength: 1, maxLength: 25, size: 'max' }), fc.nat(), async (ops, reorder) => {
        const reordered = ops.map((op, i) => ({ ...op, keyOrder: op.keyOrder ^ (reorder + i) }));
        expect(await fingerprint(reordered)).toBe(await fingerprint(ops));
      }),
      propertyParams(150, 7001),
    );
  });

  it('canonical JSON ignores key order at every depth', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), (value, seed) => {
        expect(canonicalJson(shuffleKeys(value, seed) as Json)).toBe(canonicalJson(value as Json));
      }),
      propertyParams(500, 7002),
    );
  });

  it('hashes are stable across runs and machines (golden values)', async () => {
    const world = new CatalogWorld();
    await world.apply({ kind: 'putBrand', brandId: 'B1', name: 'Acme', gap: 1, mode: 'INCREMENTAL', keyOrder: 0 });
    const step = await world.apply({
      kind: 'putProduct',
      doc: { sku: 'ABC-123', name: 'Moisture Cream', brand_id: 'B1', category_ids: ['C2', 'C1'], price: 19000, currency: 'KRW', status: 'ACTIVE' },
      gap: 1,
      mode: 'INCREMENTAL',
      keyOrder: 42,
    });
    const hashes = Object.fromEntries(step.sliceWrites.map((w) => [w.sliceType, w.hash]));
    // If one of these changes, every stored hash changes: that is a breaking change of the storage format.
    expect(hashes).toEqual({
      PRODUCT_CORE: expect.stringMatching(/^[0-9a-f]{64}$/),
      PRODUCT_PRICE: expect.stringMatching(/^[0-9a-f]{64}$/),
      PRODUCT_BRAND_ENRICHED: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(hashes).toMatchInlineSnapshot(`
{
  "PRODUCT_BRAND_ENRICHED": "6a3eaf94a5838a74e15ad56c40e5e0cad2afb4489320d5fcd549a97e4a688d33",
  "PRODUCT_CORE": "05cdb756799c66a597a1634729a91ac97a0c547e2fa8ff15e15db943055914e4",
  "PRODUCT_PRICE": "c9f578ce72ef4365cbc9b4f56c7aca4d8de1b2f3f8817343c9ee1bc32164c60a",
}
`);
    expect((await world.stores.heads.get('acme', 'product#ABC-123'))?.latest.hash).toMatchInlineSnapshot(
      `"09b3fbb41e23f935c627297f23453b9280f3f3f738375f1677fb38059e537a20"`,
    );
  });
});
