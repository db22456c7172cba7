import { sampleRegistry } from '../../testing/sample-contracts';
import { type IndexSpec } from '../contracts/model';
import { canonicalIndexValue, compareEntries, indexDelta, indexEntriesOf, indexKeyOf, indexValues } from './inverted-index';

const ruleSet = sampleRegistry().ruleSet('product');
const brandIndex = ruleSet.indexes.find((x) => x.type === 'brand') as IndexSpec;
const categoryIndex = ruleSet.indexes.find((x) => x.type === 'category') as IndexSpec;

describe('canonicalIndexValue', () => {
  it('keeps plain strings as they are', () => {
    expect(canonicalIndexValue('B77')).toBe('B77');
    expect(canonicalIndexValue('상표 1')).toBe('상표 1');
  });

  it("percent-encodes '%' and '#' so a value cannot forge key separators", () => {
    expect(canonicalIndexValue('a#b')).toBe('a%23b');
    expect(canonicalIndexValue('100%')).toBe('100%25');
    // '%' is encoded first, so an already encoded text stays distinct.
    expect(canonicalIndexValue('%23')).toBe('%2523');
    expect(canonicalIndexValue('#%#')).toBe('%23%25%23');
  });

  it('writes numbers and booleans as canonical JSON', () => {
    expect(canonicalIndexValue(42)).toBe('42');
    expect(canonicalIndexValue(1.5)).toBe('1.5');
    expect(canonicalIndexValue(-0)).toBe('0');
    expect(canonicalIndexValue(1e21)).toBe('1e+21');
    expect(canonicalIndexValue(true)).toBe('true');
    expect(canonicalIndexValue(false)).toBe('false');
  });
});

describe('indexKeyOf', () => {
  it('fills the SSOT format', () => {
    expect(indexKeyOf(brandIndex, 'B77', 'product')).toBe('IDX#brand#B77#product');
    expect(indexKeyOf(categoryIndex, 'C1', 'product')).toBe('IDX#category#C1#product');
  });

  it('fills a custom format, placeholders in any order and repeated', () => {
    const spec: IndexSpec = { ...brandIndex, format: '{entityType}/{indexType}/{value}/{value}' };
    expect(indexKeyOf(spec, 'B1', 'product')).toBe('product/brand/B1/B1');
  });

  it('does not expand placeholders inside the value', () => {
    expect(indexKeyOf(brandIndex, '{indexType}', 'product')).toBe('IDX#brand#{indexType}#product');
  });
});

describe('indexValues', () => {
  it('reads one value from a scalar selector', () => {
    expect(indexValues(brandIndex, { brand_id: 'B1' })).toEqual(['B1']);
    expect(indexValues(brandIndex, { sku: 'P1' })).toEqual([]);
  });

  it('reads sorted, de-duplicated, canonical values from category_ids[*]', () => {
    expect(indexValues(categoryIndex, { category_ids: ['C3', 'C1', 'C3', 'C#2', 'C10'] })).toEqual(['C%232', 'C1', 'C10', 'C3']);
    expect(indexValues(categoryIndex, { category_ids: [] })).toEqual([]);
  });

  it('keeps scalars only, and numbers as canonical JSON', () => {
    expect(indexValues(categoryIndex, { category_ids: [2, 'x', true, null, { a: 1 }, ['y'], 10] })).toEqual(['10', '2', 'true', 'x']);
  });
});

describe('indexEntriesOf', () => {
  const core = { sku: 'P1', brand_id: 'B77', category_ids: ['C2', 'C1'] };

  it('derives the brand and category entries of PRODUCT_CORE, sorted', () => {
    expect(indexEntriesOf(ruleSet, 'PRODUCT_CORE', core, 'product#P1')).toEqual([
      { indexKey: 'IDX#brand#B77#product', entityKey: 'product#P1' },
      { indexKey: 'IDX#category#C1#product', entityKey: 'product#P1' },
      { indexKey: 'IDX#category#C2#product', entityKey: 'product#P1' },
    ]);
  });

  it('derives nothing from a slice that is no index source, or from a tombstone', () => {
    expect(indexEntriesOf(ruleSet, 'PRODUCT_BRAND_ENRICHED', { sku: 'P1', brand_id: 'B77' }, 'product#P1')).toEqual([]);
    expect(indexEntriesOf(ruleSet, 'PRODUCT_CORE', null, 'product#P1')).toEqual([]);
  });

  it('gives the same entries for the same slice whatever its key order', () => {
    const reversed = Object.fromEntries(Object.entries(core).reverse());
    expect(indexEntriesOf(ruleSet, 'PRODUCT_CORE', reversed, 'product#P1')).toEqual(indexEntriesOf(ruleSet, 'PRODUCT_CORE', core, 'product#P1'));
  });
});

describe('indexDelta and compareEntries', () => {
  const e = (indexKey: string, entityKey = 'product#P1'): { indexKey: string; entityKey: string } => ({ indexKey, entityKey });

  it('lists the entries added and removed', () => {
    const before = [e('IDX#brand#B1#product'), e('IDX#category#C1#product'), e('IDX#category#C2#product')];
    const after = [e('IDX#brand#B2#product'), e('IDX#category#C1#product'), e('IDX#category#C2#product')];
    expect(indexDelta(before, after)).toEqual({ added: [e('IDX#brand#B2#product')], removed: [e('IDX#brand#B1#product')] });
  });

  it('is empty for the same entries, and everything for a creation or a deletion', () => {
    const entries = [e('IDX#brand#B1#product')];
    expect(indexDelta(entries, [...entries])).toEqual({ added: [], removed: [] });
    expect(indexDelta([], entries)).toEqual({ added: entries, removed: [] });
    expect(indexDelta(entries, [])).toEqual({ added: [], removed: entries });
  });

  it('tells entries of different entities apart', () => {
    expect(indexDelta([e('IDX#brand#B1#product', 'product#P1')], [e('IDX#brand#B1#product', 'product#P2')])).toEqual({
      added: [e('IDX#brand#B1#product', 'product#P2')],
      removed: [e('IDX#brand#B1#product', 'product#P1')],
    });
  });

  it('orders entries by index key, then entity key', () => {
    expect(compareEntries(e('IDX#a', 'x'), e('IDX#b', 'a'))).toBe(-1);
    expect(compareEntries(e('IDX#a', 'y'), e('IDX#a', 'x'))).toBe(1);
    expect(compareEntries(e('IDX#a', 'x'), e('IDX#a', 'x'))).toBe(0);
  });
});
