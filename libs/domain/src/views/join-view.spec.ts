import { registryFromSources, sampleRegistry, sampleSourcesWith } from '../../testing/sample-contracts';
import { type JsonObject } from '../canonical/canonical-json';
import { NotFoundError, SliceMissingError } from '../errors';
import { type SliceRecord } from '../ports/records';
import { sliceHash, tombstoneSliceHash } from '../slicing/slice-hash';
import { joinView } from './join-view';

const view = sampleRegistry().view('product-detail');
const partialView = registryFromSources(
  sampleSourcesWith('views/product-detail.yaml', (t) => t.replace('missingSlicePolicy: FAIL_CLOSED', 'missingSlicePolicy: PARTIAL')),
).view('product-detail');

const slice = (sliceType: string, data: JsonObject | null, version = 1): SliceRecord => ({
  tenantId: 't',
  entityKey: 'product#P1',
  version,
  sliceType,
  hash: data === null ? tombstoneSliceHash(sliceType) : sliceHash(sliceType, data),
  tombstone: data === null,
  data,
  inputVector: { 'product#P1': version },
  ruleSetRef: { id: 'product', version: '1.0.0' },
});

const CORE = { sku: 'P1', name: 'Cream', status: 'ACTIVE', brand_id: 'B1', category_ids: ['C1'] };
const PRICE = { price: 1000, currency: 'KRW' };
const ENRICHED = { sku: 'P1', brand_id: 'B1', brand_name: 'Acme' };

const slicesOf = (...records: SliceRecord[]): Map<string, SliceRecord> => new Map(records.map((r) => [r.sliceType, r]));

describe('joinView', () => {
  it('merges the declared fields of all slices', () => {
    const result = joinView(
      view,
      'product#P1',
      3,
      slicesOf(slice('PRODUCT_CORE', CORE), slice('PRODUCT_PRICE', PRICE, 2), slice('PRODUCT_BRAND_ENRICHED', ENRICHED)),
    );
    expect(result).toEqual({
      view: 'product-detail',
      viewVersion: '1.0.0',
      entityKey: 'product#P1',
      version: 3,
      data: { brand_id: 'B1', brand_name: 'Acme', category_ids: ['C1'], currency: 'KRW', name: 'Cream', price: 1000, sku: 'P1', status: 'ACTIVE' },
      missingSlices: [],
    });
    // A field missing from its slice (no attributes here) is left out, never defaulted.
    expect(result.data).not.toHaveProperty('attributes');
  });

  it('fails closed with SLICE_MISSING naming the missing slice', () => {
    const run = (): unknown => joinView(view, 'product#P1', 1, slicesOf(slice('PRODUCT_CORE', CORE), slice('PRODUCT_PRICE', PRICE)));
    expect(run).toThrow(SliceMissingError);
    try {
      run();
    } catch (error) {
      expect((error as SliceMissingError).code).toBe('SLICE_MISSING');
      expect((error as SliceMissingError).details).toEqual([{ path: 'PRODUCT_BRAND_ENRICHED', message: 'slice missing' }]);
      expect((error as Error).message).toBe('View product-detail needs slice(s) PRODUCT_BRAND_ENRICHED of product#P1, which are missing');
    }
  });

  it('counts a tombstoned slice as missing', () => {
    const slices = slicesOf(slice('PRODUCT_CORE', CORE), slice('PRODUCT_PRICE', null), slice('PRODUCT_BRAND_ENRICHED', ENRICHED));
    expect(() => joinView(view, 'product#P1', 1, slices)).toThrow(new SliceMissingError('product-detail', 'product#P1', ['PRODUCT_PRICE']));
    expect(joinView(partialView, 'product#P1', 1, slices).missingSlices).toEqual(['PRODUCT_PRICE']);
  });

  it('returns what there is under PARTIAL, listing the missing slices', () => {
    const result = joinView(partialView, 'product#P1', 1, slicesOf(slice('PRODUCT_CORE', CORE)));
    expect(result.data).toEqual({ brand_id: 'B1', category_ids: ['C1'], name: 'Cream', sku: 'P1', status: 'ACTIVE' });
    expect(result.missingSlices).toEqual(['PRODUCT_PRICE', 'PRODUCT_BRAND_ENRICHED']);
  });

  it('is NotFound when every slice is missing or tombstoned, under either policy', () => {
    for (const v of [view, partialView]) {
      expect(() => joinView(v, 'product#P1', 1, new Map())).toThrow(new NotFoundError('product#P1 at version 1'));
      const tombstones = slicesOf(slice('PRODUCT_CORE', null), slice('PRODUCT_PRICE', null), slice('PRODUCT_BRAND_ENRICHED', null));
      expect(() => joinView(v, 'product#P1', 1, tombstones)).toThrow(NotFoundError);
    }
  });

  it('ignores slices the view does not declare', () => {
    const result = joinView(
      view,
      'product#P1',
      1,
      slicesOf(slice('PRODUCT_CORE', CORE), slice('PRODUCT_PRICE', PRICE), slice('PRODUCT_BRAND_ENRICHED', ENRICHED), slice('OTHER', { x: 1 })),
    );
    expect(result.data).not.toHaveProperty('x');
  });
});
