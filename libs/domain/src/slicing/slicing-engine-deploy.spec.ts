import { engineSetup, TEST_TENANT as T } from '../../testing/engine-setup';
import { type JsonObject } from '../canonical/canonical-json';
import { InvariantViolationError, NotFoundError, VersionConflictError } from '../errors';
import type { HeadStore, Stores } from '../ports/stores';
import { queryView } from '../views/query-view';
import { SlicingEngine } from './slicing-engine';

const product = (sku: string, over: Partial<Record<string, unknown>> = {}): JsonObject =>
  ({ sku, name: `Product ${sku}`, brand_id: 'B1', category_ids: ['C1'], price: 1000, currency: 'KRW', status: 'ACTIVE', ...over }) as JsonObject;

const writes = (w: ReturnType<typeof engineSetup>) => ({
  slices: w.stores.slices.writes,
  index: w.stores.index.writes,
  heads: w.stores.heads.writes,
  changeSets: w.stores.changeSets.writes,
});

describe('slicing with the raw record the caller just stored (no read-back)', () => {
  it('does not read the given version again: one raw read fewer than without it', async () => {
    const reads: number[] = [];
    for (const given of [false, true]) {
      const w = engineSetup();
      await w.put('product', 'P1', 1, product('P1'));
      await w.put('product', 'P1', 2, product('P1', { price: 5 }));
      // The head holds version 2, so version 1 comes from the caller or from a read.
      const record = await w.stores.raw.get(T, 'product#P1', 1);
      const before = w.stores.raw.reads;
      const result = await w.engine.slice({ tenantId: T, entityKey: 'product#P1', version: 1, mode: 'INCREMENTAL', ...(given ? { record } : {}) });
      expect(result).toMatchObject({ written: ['PRODUCT_CORE', 'PRODUCT_PRICE', 'PRODUCT_BRAND_ENRICHED'], slicedVersion: 1, activeVersion: 1 });
      reads.push(w.stores.raw.reads - before);
    }
    expect(reads).toEqual([1, 0]);
  });

  it('builds the same slices from the given record as from the stored one', async () => {
    const logs: string[][] = [];
    for (const given of [false, true]) {
      const w = engineSetup();
      await w.put('product', 'P1', 1, product('P1'));
      await w.put('product', 'P1', 2, product('P1', { price: 5 }));
      const record = given ? await w.stores.raw.get(T, 'product#P1', 1) : undefined;
      await w.engine.slice({ tenantId: T, entityKey: 'product#P1', version: 1, mode: 'FULL', ...(record ? { record } : {}) });
      logs.push(w.stores.slices.log.map((s) => `${s.entityKey}@${s.version}/${s.sliceType}#${s.hash}`));
    }
    expect(logs[1]).toEqual(logs[0]);
  });

  it('fails closed, writing nothing, on a record of another entity or version, or with another hash than the head holds', async () => {
    const w = engineSetup();
    await w.put('product', 'P1', 1, product('P1'));
    await w.put('product', 'P2', 1, product('P2'));
    const p1 = await w.stores.raw.get(T, 'product#P1', 1);
    const p2 = await w.stores.raw.get(T, 'product#P2', 1);
    const request = { tenantId: T, entityKey: 'product#P1', version: 1, mode: 'FULL' as const };
    await expect(w.engine.slice({ ...request, record: p2 })).rejects.toThrow(InvariantViolationError);
    await expect(w.engine.slice({ ...request, tenantId: 'other', record: p1 })).rejects.toThrow(InvariantViolationError);
    await expect(w.engine.slice({ ...request, version: 2, record: p1 })).rejects.toThrow(InvariantViolationError);
    await expect(w.engine.slice({ ...request, record: { ...(p1 as NonNullable<typeof p1>), hash: 'other' } })).rejects.toThrow(VersionConflictError);
    expect(writes(w)).toEqual({ slices: 0, index: 0, heads: 0, changeSets: 0 });
  });

  it('refuses a record of a version newer than the newest stored one (it was never stored)', async () => {
    const w = engineSetup();
    await w.put('product', 'P1', 1, product('P1'));
    const p1 = (await w.stores.raw.get(T, 'product#P1', 1)) as NonNullable<Awaited<ReturnType<typeof w.stores.raw.get>>>;
    await expect(w.engine.slice({ tenantId: T, entityKey: 'product#P1', version: 2, mode: 'FULL', record: { ...p1, version: 2 } })).rejects.toThrow(
      NotFoundError,
    );
    expect(writes(w)).toEqual({ slices: 0, index: 0, heads: 0, changeSets: 0 });
  });
});

const view = (w: ReturnType<typeof engineSetup>) => queryView(w.registry, w.stores, { tenantId: T, viewId: 'product-detail', entityId: 'P1' });

describe('cutover', () => {
  it('moves the active version to the sliced one with one head commit, then is a no-op', async () => {
    const w = engineSetup();
    await w.put('product', 'P1', 1, product('P1'));
    await w.incremental('product#P1', 0, 1);
    await w.put('product', 'P1', 2, product('P1', { price: 7 }));
    await w.incremental('product#P1', 1, 2, { cutover: false });
    expect((await view(w)).data['price']).toBe(1000);
    const revision = (await w.stores.heads.get(T, 'product#P1'))?.revision as number;
    const before = writes(w);
    const result = await w.engine.cutover(T, 'product#P1', 2);
    expect(result).toEqual({ entityKey: 'product#P1', version: 2, cutover: true, moved: true, indexRemoved: [], slicedVersion: 2, activeVersion: 2 });
    expect(writes(w)).toEqual({ ...before, heads: before.heads + 1 });
    const head = await w.stores.heads.get(T, 'product#P1');
    expect(head?.revision).toBe(revision + 1);
    expect(head?.active).toBe(head?.sliced);
    expect((await view(w)).data['price']).toBe(7);
    // Repeated (a re-run after a crash): success, nothing written, the revision stays.
    const again = await w.engine.cutover(T, 'product#P1', 2);
    expect(again).toMatchObject({ cutover: true, moved: false, activeVersion: 2 });
    expect(writes(w)).toEqual({ ...before, heads: before.heads + 1 });
    expect((await w.stores.heads.get(T, 'product#P1'))?.revision).toBe(revision + 1);
  });

  it('never moves back and never moves to a version not sliced yet', async () => {
    const w = engineSetup();
    await expect(w.engine.cutover(T, 'product#P1', 1)).rejects.toThrow(NotFoundError);
    await w.put('product', 'P1', 1, product('P1'));
    expect(await w.engine.cutover(T, 'product#P1', 1)).toMatchObject({
      cutover: false,
      moved: false,
      cutoverSkipped: { reason: 'NOT_SLICED_YET' },
      slicedVersion: null,
      activeVersion: null,
    });
    await w.incremental('product#P1', 0, 1, { cutover: false });
    await w.put('product', 'P1', 2, product('P1', { price: 7 }));
    await w.incremental('product#P1', 1, 2, { cutover: false });
    await w.put('product', 'P1', 3, product('P1', { price: 9 }));
    const before = writes(w);
    const revision = (await w.stores.heads.get(T, 'product#P1'))?.revision;
    expect(await w.engine.cutover(T, 'product#P1', 1)).toMatchObject({
      cutover: false,
      cutoverSkipped: { reason: 'NEWER_VERSION_SLICED' },
      slicedVersion: 2,
      activeVersion: null,
    });
    expect(await w.engine.cutover(T, 'product#P1', 3)).toMatchObject({ cutover: false, cutoverSkipped: { reason: 'NOT_SLICED_YET' }, slicedVersion: 2 });
    expect(writes(w)).toEqual(before);
    expect((await w.stores.heads.get(T, 'product#P1'))?.revision).toBe(revision);
    expect(await w.engine.cutover(T, 'product#P1', 2)).toMatchObject({ cutover: true, moved: true, activeVersion: 2 });
    // Once active, an older version is refused too.
    expect(await w.engine.cutover(T, 'product#P1', 1)).toMatchObject({ cutover: false, cutoverSkipped: { reason: 'NEWER_VERSION_SLICED' }, activeVersion: 2 });
  });

  it('needs no index addition; removes the entries only the former active version gave, so fan-out follows readers', async () => {
    const w = engineSetup();
    await w.put('brand', 'B1', 1, { brand_id: 'B1', name: 'Acme' });
    await w.incremental('brand#B1', 0, 1);
    await w.put('brand', 'B2', 1, { brand_id: 'B2', name: 'Globex' });
    await w.incremental('brand#B2', 0, 1);
    await w.put('product', 'P1', 1, product('P1'));
    await w.incremental('product#P1', 0, 1);
    await w.put('product', 'P1', 2, product('P1', { brand_id: 'B2' }));
    await w.incremental('product#P1', 1, 2, { cutover: false });
    const entries = (brand: string) => [
      { indexKey: `IDX#brand#${brand}#product`, entityKey: 'product#P1' },
      { indexKey: 'IDX#category#C1#product', entityKey: 'product#P1' },
    ];
    // The index stands for the active version (B1) and the sliced one (B2).
    expect(w.stores.index.all(T)).toEqual([entries('B1')[0], entries('B2')[0], entries('B1')[1]]);
    const added = w.stores.index.writes;
    const result = await w.engine.cutover(T, 'product#P1', 2);
    expect(result).toMatchObject({ moved: true, indexRemoved: [entries('B1')[0]] });
    expect(w.stores.index.all(T)).toEqual(entries('B2'));
    expect(w.stores.index.writes).toBe(added + 1);
    // A rename of the former brand no longer reaches the product; one of the new brand does.
    await w.put('brand', 'B1', 2, { brand_id: 'B1', name: 'Acme 2' });
    expect((await w.incremental('brand#B1', 1, 2)).fanout).toEqual([]);
    await w.put('brand', 'B2', 2, { brand_id: 'B2', name: 'Globex 2' });
    expect((await w.incremental('brand#B2', 1, 2)).fanout).toEqual(['product#P1']);
    expect((await view(w)).data['brand_name']).toBe('Globex 2');
  });

  it('re-runs a lost race against the winner and keeps the index of the state that committed', async () => {
    const w = engineSetup();
    await w.put('product', 'P1', 1, product('P1'));
    await w.incremental('product#P1', 0, 1);
    await w.put('product', 'P1', 2, product('P1', { brand_id: 'B2' }));
    await w.incremental('product#P1', 1, 2, { cutover: false });
    // Another writer moves the head (a fan-out visit) just before the first commit.
    let raced = false;
    const heads: HeadStore = {
      get: (t, k) => w.stores.heads.get(t, k),
      getMany: (t, k) => w.stores.heads.getMany(t, k),
      commit: async (t, k, revision, state) => {
        if (!raced) {
          raced = true;
          const current = await w.stores.heads.get(t, k);
          await w.stores.heads.commit(t, k, revision, {
            ...(current?.sliced ? { sliced: current.sliced } : {}),
            ...(current?.active ? { active: current.active } : {}),
          });
        }
        return w.stores.heads.commit(t, k, revision, state);
      },
    };
    const stores: Stores = { ...w.stores, heads };
    const result = await new SlicingEngine(w.registry, stores).cutover(T, 'product#P1', 2);
    expect(raced).toBe(true);
    expect(result).toMatchObject({ cutover: true, moved: true, activeVersion: 2 });
    expect(w.stores.index.all(T).map((e) => e.indexKey)).toEqual(['IDX#brand#B2#product', 'IDX#category#C1#product']);
    // Slicings 1 and 2, the racer's commit, the cutover, and the revision move after the removal of B1's entry.
    expect((await w.stores.heads.get(T, 'product#P1'))?.revision).toBe(5);
  });
});

describe('index entries and a lost commit', () => {
  it('a slicing that loses its commit to a cutover has removed no entry the winner needs, so a rename in between still reaches the product', async () => {
    const w = engineSetup();
    await w.put('brand', 'B1', 1, { brand_id: 'B1', name: 'Acme' });
    await w.incremental('brand#B1', 0, 1);
    await w.put('product', 'P1', 1, product('P1'));
    await w.incremental('product#P1', 0, 1, { cutover: false });
    await w.put('product', 'P1', 2, product('P1', { brand_id: 'B2' }));
    // Version 2 (moving to B2, no cutover) is sliced; just before its commit, version 1 is cut over and B1 renamed.
    let paused = false;
    const heads: HeadStore = {
      get: (t, k) => w.stores.heads.get(t, k),
      getMany: (t, k) => w.stores.heads.getMany(t, k),
      commit: async (t, k, revision, state) => {
        if (!paused) {
          paused = true;
          expect(await w.engine.cutover(T, 'product#P1', 1)).toMatchObject({ moved: true });
          await w.put('brand', 'B1', 2, { brand_id: 'B1', name: 'Acme 2' });
          expect((await w.incremental('brand#B1', 1, 2)).fanout).toEqual(['product#P1']);
        }
        return w.stores.heads.commit(t, k, revision, state);
      },
    };
    const result = await new SlicingEngine(w.registry, { ...w.stores, heads }).slice({
      tenantId: T,
      entityKey: 'product#P1',
      version: 2,
      mode: 'INCREMENTAL',
      cutover: false,
    });
    expect(result).toMatchObject({ slicedVersion: 2, activeVersion: 1 });
    expect((await view(w)).data).toMatchObject({ brand_id: 'B1', brand_name: 'Acme 2' });
    expect(w.stores.index.all(T).map((e) => e.indexKey)).toEqual(['IDX#brand#B1#product', 'IDX#brand#B2#product', 'IDX#category#C1#product']);
  });
});
