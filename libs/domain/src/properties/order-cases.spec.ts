import { worldContracts } from '../../testing';
import type { ContractRegistry } from '../contracts/registry';
import type { JsonObject } from '../canonical/canonical-json';
import { createInMemoryStores, type InMemoryStores } from '../memory/in-memory-stores';
import type { SliceWrite, Stores } from '../ports/stores';
import { insertRawdata } from '../raw/insert-rawdata';
import { classify } from '../deploy/retry';
import { RuleSetOutdatedError } from '../errors';
import { SlicingEngine } from '../slicing/slicing-engine';
import { queryView } from '../views/query-view';

/**
 * Cases the property world found (SPEC §12: "a join-target change reaches what readers read";
 * §2.8 FULL == INCREMENTAL), each its shrunk counterexample kept as an example: they failed on the
 * engine before the index followed both slice sets, joins read committed versions, fan-outs moved
 * the revision of every parent they visit, and shared records got their own copies.
 */
const T = 'acme';
const product = (brand: string, extra: JsonObject = {}): JsonObject => ({
  sku: 'P1',
  name: 'Cream',
  brand_id: brand,
  category_ids: [],
  price: 1,
  currency: 'KRW',
  status: 'ACTIVE',
  ...extra,
});

function setup(registry: ContractRegistry = worldContracts('sample').registry, wrap: (stores: InMemoryStores) => Stores = (s) => s) {
  const stores = createInMemoryStores();
  const engine = new SlicingEngine(registry, wrap(stores));
  const put = (entityType: string, entityId: string, version: number, data: JsonObject) =>
    insertRawdata(registry, stores.raw, { tenantId: T, entityType, entityId, version, data });
  const brand = async (id: string, version: number, name: string) => {
    await put('brand', id, version, { brand_id: id, name });
    return engine.slice({ tenantId: T, entityKey: `brand#${id}`, version, mode: 'INCREMENTAL' });
  };
  const view = async (viewId = 'product-detail') => (await queryView(registry, stores, { tenantId: T, viewId, entityId: 'P1' })).data;
  return { registry, stores, engine, put, brand, view };
}

/** A slice store whose puts for P1 wait, once armed, until released (a worker paused between its reads and its writes). */
function gatedPuts(stores: InMemoryStores) {
  let armed = false;
  let release: () => void = () => undefined;
  let paused: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<void>((resolve) => (paused = resolve));
  const slices = Object.create(stores.slices) as InMemoryStores['slices'];
  slices.put = async (writes: readonly SliceWrite[]) => {
    if (armed && writes.some((w) => w.record.entityKey === 'product#P1')) {
      armed = false;
      paused();
      await gate;
    }
    return stores.slices.put(writes);
  };
  return { stores: { ...stores, slices }, arm: () => (armed = true), reached, release: () => release() };
}

describe('order and concurrency cases the property world found', () => {
  // FULL == INCREMENTAL seed 20261122 , shrunk: P4 sliced under B1 (active),
  // P4 v2 under B2 sliced with cutover: false, brand B1 renamed: P4's active view keeps the old name.
  it('a brand rename reaches the active version while a newer version under another brand is sliced without cutover', async () => {
    const w = setup();
    await w.brand('B1', 1, 'Acme');
    await w.put('product', 'P1', 1, product('B1'));
    await w.engine.slice({ tenantId: T, entityKey: 'product#P1', version: 1, mode: 'INCREMENTAL' });
    await w.put('product', 'P1', 2, product('B2'));
    await w.engine.slice({ tenantId: T, entityKey: 'product#P1', version: 2, mode: 'INCREMENTAL', cutover: false });
    // The index lists P1 under B2 only (it follows the newest sliced version), so the fan-out misses the active version.
    await w.brand('B1', 2, 'Acme Corp');
    expect((await w.view())['brand_name']).toBe('Acme Corp');
  });

  // The world with brands ingested without slicing, seed 20261122, shrunk: brand B%3 sliced as "Umbrella", v2 "Acme" ingested
  // only, P6 sliced (reads "Acme"), B%3 v3 "Umbrella" sliced: its change set from v1 is empty, so nothing fans out.
  it('a product slicing reads the brand version that is sliced, not one only ingested', async () => {
    const w = setup();
    await w.brand('B1', 1, 'Umbrella');
    await w.put('brand', 'B1', 2, { brand_id: 'B1', name: 'Acme' }); // ingested, not sliced
    await w.put('product', 'P1', 1, product('B1'));
    await w.engine.slice({ tenantId: T, entityKey: 'product#P1', version: 1, mode: 'INCREMENTAL' }); // the join reads the newest raw: "Acme"
    expect((await w.view())['brand_name']).toBe('Umbrella'); // v2 "Acme" was never sliced
    const sliced = await w.brand('B1', 3, 'Umbrella'); // diffed from v1: no change, and none needed
    expect(sliced.fanout).toEqual([]);
    expect((await w.view())['brand_name']).toBe('Umbrella'); // what a FULL rebuild gives
  });

  // Interleavings, a product's first slicing racing its brand's rename (scheduler counterexample,
  // seed 1 path "135" of the probe): the fan-out finds the product in the index but skips it because
  // its head has no sliced set yet; the slicing then commits a build from the brand's old version.
  it('a product slicing that read a brand before its rename does not commit once the rename fanned out', async () => {
    const base = setup();
    const gated = gatedPuts(base.stores);
    const engine = new SlicingEngine(base.registry, gated.stores);
    await base.brand('B1', 1, 'Acme');
    await base.put('product', 'P1', 1, product('B1'));
    gated.arm();
    const slicing = engine.slice({ tenantId: T, entityKey: 'product#P1', version: 1, mode: 'INCREMENTAL' }); // reads "Acme", adds its index entry
    await gated.reached;
    const rename = await base.brand('B1', 2, 'Globex');
    gated.release();
    await slicing;
    expect(rename.fanout).toEqual(['product#P1']);
    expect((await base.view())['brand_name']).toBe('Globex');
  });

  // Interleavings, badge variant (seed 7301 before the brand-move conflicts; shrunk to this): a fan-out refreshes
  // P1@1 in place while P1@2, under another brand whose name is the same, was committed referencing the P1@1 record.
  it('a fan-out refreshing an older version never changes what a newer committed slice set reads', async () => {
    const base = setup(worldContracts('badge').registry);
    const gated = gatedPuts(base.stores);
    const engine = new SlicingEngine(base.registry, gated.stores);
    await base.brand('B1', 1, 'Acme');
    await base.brand('B2', 1, 'Acme');
    await base.put('product', 'P1', 1, product('B1'));
    await base.engine.slice({ tenantId: T, entityKey: 'product#P1', version: 1, mode: 'INCREMENTAL' });
    await base.put('product', 'P1', 2, product('B2'));
    await base.put('brand', 'B1', 2, { brand_id: 'B1', name: 'Globex' });
    gated.arm();
    const rename = engine.slice({ tenantId: T, entityKey: 'brand#B1', version: 2, mode: 'INCREMENTAL' }); // fan-out read P1's head at v1
    await gated.reached;
    await base.engine.slice({ tenantId: T, entityKey: 'product#P1', version: 2, mode: 'INCREMENTAL' }); // PRODUCT_BADGE unchanged: keeps P1@1
    gated.release();
    await rename; // overwrites P1@1's badge with "Globex"; its retry at v2 finds the badge unchanged by hash
    expect(await base.view('product-badge')).toEqual({ price: 1, brand_name: 'Acme' });
  });

  // A rolling upgrade (SPEC §12): a worker still on RuleSet 1.0.0 processes a brand rename after a 1.1.0 worker
  // built the product; "an older RuleSet never overwrites a newer one" drops the rename for good.
  it('a brand rename a worker on the older RuleSet cannot apply fails as retryable, and reaches the products on a newer worker', async () => {
    const { registry, bumped } = worldContracts('sample');
    const w = setup(registry);
    const upgraded = new SlicingEngine(bumped, w.stores);
    await w.brand('B1', 1, 'Acme');
    await w.put('product', 'P1', 1, product('B1'));
    await upgraded.slice({ tenantId: T, entityKey: 'product#P1', version: 1, mode: 'FULL' });
    await w.put('brand', 'B1', 2, { brand_id: 'B1', name: 'Globex' });
    // On the old worker the rebuild of P1 is superseded by the newer RuleSet: the fan-out says so, retryably.
    const onOld = w.engine.slice({ tenantId: T, entityKey: 'brand#B1', version: 2, mode: 'INCREMENTAL' });
    await expect(onOld).rejects.toBeInstanceOf(RuleSetOutdatedError);
    await expect(onOld).rejects.toMatchObject({ code: 'RULESET_OUTDATED', entityKeys: ['product#P1'] });
    expect(classify(await onOld.catch((error: unknown) => error))).toBe('CONCURRENCY_CONFLICT');
    // The retry, on a worker with the newer contracts (a replay of the committed brand slicing), applies it.
    const retried = await upgraded.slice({ tenantId: T, entityKey: 'brand#B1', version: 2, mode: 'INCREMENTAL' });
    expect(retried.fanout).toEqual(['product#P1']);
    expect((await w.view())['brand_name']).toBe('Globex');
  });
});
