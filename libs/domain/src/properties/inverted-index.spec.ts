import fc from 'fast-check';
import { propertyParams, sampleRegistry, shuffleKeys } from '../../testing';
import { indexDelta, indexEntriesOf, type IndexEntry, type JsonObject } from '../index';

/** Same slice ⇒ same index keys; deltas move one index state to another exactly. */
const ruleSet = sampleRegistry().ruleSet('product');
const id = fc.constantFrom('B1', 'B#2', '50%', 'C1', 'C2', 'C 3', 'ä', '');
const coreSlice = fc.record(
  { sku: fc.constantFrom('P1'), brand_id: id, category_ids: fc.array(id, { maxLength: 5 }), name: fc.string() },
  { requiredKeys: ['sku'] },
) as fc.Arbitrary<JsonObject>;
const text = (entries: readonly IndexEntry[]): string[] => entries.map((e) => `${e.indexKey}>${e.entityKey}`);

describe('inverted index', () => {
  it('same slice content ⇒ same entries, whatever the key order or category order and duplicates', () => {
    fc.assert(
      fc.property(coreSlice, fc.nat(), (slice, seed) => {
        const entries = indexEntriesOf(ruleSet, 'PRODUCT_CORE', slice, 'product#P1');
        const categories = slice['category_ids'] as string[] | undefined;
        const variant = shuffleKeys({ ...slice, ...(categories ? { category_ids: [...categories].reverse().concat(categories) } : {}) }, seed) as JsonObject;
        expect(text(indexEntriesOf(ruleSet, 'PRODUCT_CORE', variant, 'product#P1'))).toEqual(text(entries));
        expect(text(entries)).toEqual([...new Set(text(entries))].sort());
        for (const e of entries) expect(e.indexKey).toMatch(/^IDX#(brand|category)#[^#]*#product$/);
      }),
      propertyParams(1000, 7101),
    );
  });

  it('applying the delta from A to B to the entries of A gives the entries of B', () => {
    fc.assert(
      fc.property(coreSlice, coreSlice, (a, b) => {
        const before = indexEntriesOf(ruleSet, 'PRODUCT_CORE', a, 'product#P1');
        const after = indexEntriesOf(ruleSet, 'PRODUCT_CORE', b, 'product#P1');
        const delta = indexDelta(before, after);
        const removed = new Set(text(delta.removed));
        const result = [...text(before).filter((e) => !removed.has(e)), ...text(delta.added)].sort();
        expect(result).toEqual(text(after));
        expect(text(delta.added).filter((e) => text(before).includes(e))).toEqual([]);
      }),
      propertyParams(1000, 7102),
    );
  });

  it('index-less slices yield no entries', () => {
    expect(indexEntriesOf(ruleSet, 'PRODUCT_PRICE', { price: 1, currency: 'KRW' }, 'product#P1')).toEqual([]);
    expect(indexEntriesOf(ruleSet, 'PRODUCT_CORE', null, 'product#P1')).toEqual([]);
  });
});
