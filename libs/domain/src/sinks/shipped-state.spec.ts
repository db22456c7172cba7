import { engineSetup, TEST_TENANT as T } from '../../testing/engine-setup';
import { registryFromSources, sampleSourcesWith } from '../../testing/sample-contracts';
import { type JsonObject } from '../canonical/canonical-json';
import type { SinkContract } from '../contracts/model';
import { ConcurrencyConflictError, InvalidKeyError, NotFoundError } from '../errors';
import type { EntityHead } from '../ports/records';
import type { HeadStore, SliceStore } from '../ports/stores';
import { MAX_SHIP_READ_ATTEMPTS, readShippedState, shipTargets } from './shipped-state';
import { sinkOperation } from './sink-operations';

const product = (sku: string, over: Partial<Record<string, unknown>> = {}): JsonObject =>
  ({ sku, name: `Product ${sku}`, brand_id: 'B1', category_ids: ['C1'], price: 1000, currency: 'KRW', status: 'ACTIVE', ...over }) as JsonObject;

const detail = (sku: string, brandName: string, over: Partial<Record<string, unknown>> = {}): JsonObject =>
  ({ ...product(sku, over), brand_name: brandName }) as JsonObject;

async function catalog() {
  const w = engineSetup();
  const sink = w.registry.sink('opensearch-products');
  await w.upsert('brand', 'B1', { brand_id: 'B1', name: 'Acme' });
  await w.upsert('product', 'P1', product('P1'));
  const read = (entityKey = 'product#P1', stores: { heads: HeadStore; slices: SliceStore } = w.stores) =>
    readShippedState(w.registry, stores, T, sink, entityKey);
  return { w, sink, read };
}

/** Heads read through a hook that may hand out another head than the store holds (a reader that read before a commit). */
function headsVia(heads: HeadStore, pick: (actual: EntityHead | undefined, call: number) => EntityHead | undefined): HeadStore & { calls: number } {
  const wrapped = {
    calls: 0,
    get: async (t: string, k: string) => pick(await heads.get(t, k), ++wrapped.calls),
    getMany: (t: string, k: readonly string[]) => heads.getMany(t, k),
    commit: (t: string, k: string, r: number, s: Parameters<HeadStore['commit']>[3]) => heads.commit(t, k, r, s),
  };
  return wrapped;
}

async function pages(iterable: AsyncIterable<readonly string[]>): Promise<string[][]> {
  const out: string[][] = [];
  for await (const page of iterable) out.push([...page]);
  return out;
}

describe('readShippedState', () => {
  it("reads the newest sliced version's document with the head's revision; a rename at the same version gives a higher one", async () => {
    const { w, read } = await catalog();
    const head = await w.stores.heads.get(T, 'product#P1');
    expect(await read()).toEqual({ entityKey: 'product#P1', version: 1, revision: head?.revision, document: detail('P1', 'Acme') });
    await w.upsert('brand', 'B1', { brand_id: 'B1', name: 'Globex' });
    const renamed = await read();
    expect(renamed).toMatchObject({ version: 1, document: detail('P1', 'Globex') });
    expect(renamed.revision).toBeGreaterThan(head?.revision as number);
  });

  it('ships the newest sliced version, not the active one (cutover "done" moves the pointer after the ship)', async () => {
    const { w, read } = await catalog();
    await w.put('product', 'P1', 2, product('P1', { price: 5 }));
    await w.incremental('product#P1', 1, 2, { cutover: false });
    expect(await read()).toMatchObject({ version: 2, document: detail('P1', 'Acme', { price: 5 }) });
    // A version ingested but not sliced is not shipped: the sliced one is what compile produced.
    await w.put('product', 'P1', 3, product('P1', { price: 9 }));
    expect(await read()).toMatchObject({ version: 2 });
  });

  it('re-reads when a slice is not the one the head names (a writer between its slice writes and its commit)', async () => {
    const { w, read } = await catalog();
    const stale = await w.stores.heads.get(T, 'product#P1');
    // The rename rewrites PRODUCT_BRAND_ENRICHED@1 in place; a reader that got the head before the rename's commit sees another hash.
    await w.upsert('brand', 'B1', { brand_id: 'B1', name: 'Globex' });
    const heads = headsVia(w.stores.heads, (actual, call) => (call === 1 ? stale : actual));
    const state = await read('product#P1', { heads, slices: w.stores.slices });
    expect(heads.calls).toBe(2);
    expect(state).toMatchObject({ version: 1, revision: (await w.stores.heads.get(T, 'product#P1'))?.revision, document: detail('P1', 'Globex') });
  });

  it('gives up after a few reads with a ConcurrencyConflictError (the task retries)', async () => {
    const { w, read } = await catalog();
    const stale = await w.stores.heads.get(T, 'product#P1');
    await w.upsert('brand', 'B1', { brand_id: 'B1', name: 'Globex' });
    const heads = headsVia(w.stores.heads, () => stale);
    await expect(read('product#P1', { heads, slices: w.stores.slices })).rejects.toThrow(ConcurrencyConflictError);
    expect(heads.calls).toBe(MAX_SHIP_READ_ATTEMPTS);
  });

  it('reads a deletion as document null (every slice a tombstone), which ships as a delete', async () => {
    const { w, sink, read } = await catalog();
    await w.del('product', 'P1', 2);
    const sliced = await w.incremental('product#P1', 1, 2);
    expect(sliced.tombstoned).toEqual(['PRODUCT_CORE', 'PRODUCT_PRICE', 'PRODUCT_BRAND_ENRICHED']);
    const state = await read();
    expect(state).toMatchObject({ version: 2, document: null });
    expect(sinkOperation(sink, T, state)).toEqual({ kind: 'delete', docId: `${T}:P1`, entityKey: 'product#P1', version: 2, revision: state.revision });
    // Deleted before its first slicing: every slice built is a tombstone over nothing, so the set names no slice at all.
    await w.put('product', 'P3', 1, product('P3'));
    await w.del('product', 'P3', 2);
    await w.full('product#P3', 2);
    expect((await w.stores.heads.get(T, 'product#P3'))?.sliced?.slices).toEqual({});
    expect(await read('product#P3')).toMatchObject({ version: 2, document: null });
  });

  it('fails closed: no sliced version is NotFound; an entity of another type than the sink root is refused', async () => {
    const { w, read } = await catalog();
    await expect(read('product#P9')).rejects.toThrow(NotFoundError);
    await w.put('product', 'P2', 1, product('P2'));
    await expect(read('product#P2')).rejects.toThrow(NotFoundError);
    await expect(read('brand#B1')).rejects.toThrow(InvalidKeyError);
  });

  it('reads the named slices for a slices source, null where a slice is empty', async () => {
    const { w } = await catalog();
    const sink: SinkContract = { ...w.registry.sink('opensearch-products'), source: { entityType: 'product', slices: ['PRODUCT_PRICE', 'PRODUCT_CORE'] } };
    const state = await readShippedState(w.registry, w.stores, T, sink, 'product#P1');
    const { brand_id, category_ids, name, sku, status } = product('P1');
    expect(state.document).toEqual({ PRODUCT_PRICE: { price: 1000, currency: 'KRW' }, PRODUCT_CORE: { sku, name, status, brand_id, category_ids } });
    await w.del('product', 'P1', 2);
    await w.incremental('product#P1', 1, 2);
    expect((await readShippedState(w.registry, w.stores, T, sink, 'product#P1')).document).toBeNull();
  });
});

describe('shipTargets', () => {
  it('is the entity itself for the root type, and nothing for a type no join of the root reads', async () => {
    const { w, sink } = await catalog();
    expect(await pages(shipTargets(w.registry, w.stores, T, sink, 'product#P1'))).toEqual([['product#P1']]);
    expect(await pages(shipTargets(w.registry, w.stores, T, sink, 'category#C1'))).toEqual([]);
  });

  it("is a join target's parents from the index, ascending, in the fan-out's pages", async () => {
    // Two parents per page: maxFanoutPerBatch 2 over the one slice type the brand join feeds.
    const registry = registryFromSources(sampleSourcesWith('rulesets/product.yaml', (t) => t.replace('maxFanoutPerBatch: 500', 'maxFanoutPerBatch: 2')));
    const w = engineSetup(registry);
    const sink = registry.sink('opensearch-products');
    await w.upsert('brand', 'B1', { brand_id: 'B1', name: 'Acme' });
    for (const sku of ['P5', 'P3', 'P1', 'P4', 'P2']) await w.upsert('product', sku, product(sku));
    await w.upsert('product', 'P6', product('P6', { brand_id: 'B2' }));
    expect(await pages(shipTargets(registry, w.stores, T, sink, 'brand#B1'))).toEqual([
      ['product#P1', 'product#P2'],
      ['product#P3', 'product#P4'],
      ['product#P5'],
    ]);
    // The index follows the active and the sliced version: a product moving away without cutover is still shipped.
    await w.put('product', 'P2', 2, product('P2', { brand_id: 'B2' }));
    await w.incremental('product#P2', 1, 2, { cutover: false });
    expect((await pages(shipTargets(registry, w.stores, T, sink, 'brand#B1'))).flat()).toContain('product#P2');
    await w.engine.cutover(T, 'product#P2', 2);
    expect((await pages(shipTargets(registry, w.stores, T, sink, 'brand#B1'))).flat()).toEqual(['product#P1', 'product#P3', 'product#P4', 'product#P5']);
    expect(await pages(shipTargets(registry, w.stores, T, sink, 'brand#B2'))).toEqual([['product#P2', 'product#P6']]);
    expect(await pages(shipTargets(registry, w.stores, T, sink, 'brand#B9'))).toEqual([]);
  });

  it('skips a join that feeds none of the slices the sink reads', async () => {
    const { w } = await catalog();
    const sink: SinkContract = { ...w.registry.sink('opensearch-products'), source: { entityType: 'product', slices: ['PRODUCT_PRICE'] } };
    expect(await pages(shipTargets(w.registry, w.stores, T, sink, 'brand#B1'))).toEqual([]);
  });
});
