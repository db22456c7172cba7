import { sampleRegistry } from '../../testing/sample-contracts';
import { type JsonObject } from '../canonical/canonical-json';
import { createInMemoryStores } from '../memory/in-memory-stores';
import type { HeadStore } from '../ports/stores';
import { insertRawdata } from '../raw/insert-rawdata';
import { SlicingEngine } from './slicing-engine';

const T = 'acme';
const registry = sampleRegistry();
const product = (brandId: string): JsonObject => ({
  sku: 'P1',
  name: 'Cream',
  brand_id: brandId,
  category_ids: [],
  price: 1,
  currency: 'KRW',
  status: 'ACTIVE',
});

/** In-memory stores whose next head commit first lets `race` run (another worker committing first). */
function racingStores() {
  const stores = createInMemoryStores();
  let race: (() => Promise<unknown>) | undefined;
  const heads: HeadStore = {
    get: (tenantId, entityKey) => stores.heads.get(tenantId, entityKey),
    getMany: (tenantId, entityKeys) => stores.heads.getMany(tenantId, entityKeys),
    async commit(tenantId, entityKey, expectedRevision, state) {
      const before = race;
      race = undefined;
      if (before) await before();
      return stores.heads.commit(tenantId, entityKey, expectedRevision, state);
    },
  };
  return { stores, racing: { ...stores, heads }, raceNextCommit: (fn: () => Promise<unknown>) => (race = fn) };
}

describe('a slicing that loses its commit', () => {
  it('puts the index entries it changed back in line with the slice set that won', async () => {
    const { stores, racing, raceNextCommit } = racingStores();
    const worker = new SlicingEngine(registry, stores);
    for (const [version, brand] of [
      [1, 'B1'],
      [2, 'B2'],
      [3, 'B3'],
    ] as const)
      await insertRawdata(registry, stores.raw, { tenantId: T, entityType: 'product', entityId: 'P1', version, data: product(brand) });
    await worker.slice({ tenantId: T, entityKey: 'product#P1', version: 1, mode: 'INCREMENTAL' });

    // Worker A slices version 2 (moving the brand entry B1 → B2); before its commit lands, worker B
    // slices version 3 (B1 → B3) and commits. A loses, finds itself older than the sliced version, and stops.
    raceNextCommit(() => worker.slice({ tenantId: T, entityKey: 'product#P1', version: 3, mode: 'INCREMENTAL' }));
    const late = await new SlicingEngine(registry, racing).slice({ tenantId: T, entityKey: 'product#P1', version: 2, mode: 'INCREMENTAL' });
    expect(late).toMatchObject({ cutover: false, cutoverSkipped: { reason: 'NEWER_VERSION_SLICED' }, slicedVersion: 3, activeVersion: 3 });

    const under = async (brand: string) => (await stores.index.lookup(T, `IDX#brand#${brand}#product`, { limit: 10 })).entityKeys;
    expect({ B1: await under('B1'), B2: await under('B2'), B3: await under('B3') }).toEqual({ B1: [], B2: [], B3: ['product#P1'] });
  });

  it('keeps the entries the winner shares with it', async () => {
    const { stores, racing, raceNextCommit } = racingStores();
    const worker = new SlicingEngine(registry, stores);
    await insertRawdata(registry, stores.raw, { tenantId: T, entityType: 'product', entityId: 'P1', version: 1, data: product('B1') });
    // A duplicate of the same slicing wins the race: both add the same entries, and they stay.
    raceNextCommit(() => worker.slice({ tenantId: T, entityKey: 'product#P1', version: 1, mode: 'INCREMENTAL' }));
    await new SlicingEngine(registry, racing).slice({ tenantId: T, entityKey: 'product#P1', version: 1, mode: 'INCREMENTAL' });
    expect((await stores.index.lookup(T, 'IDX#brand#B1#product', { limit: 10 })).entityKeys).toEqual(['product#P1']);
  });
});
