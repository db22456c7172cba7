import { engineSetup, TEST_TENANT as T } from '../../testing/engine-setup';
import { type JsonObject } from '../canonical/canonical-json';
import { InvariantViolationError, NotFoundError, VersionConflictError } from '../errors';

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
