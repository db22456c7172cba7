import fc from 'fast-check';
import { registryFromSources, sampleRegistry } from '../../testing/sample-contracts';
import { canonicalJson, type Json, type JsonObject } from '../canonical/canonical-json';
import { parsePath } from '../paths/path';
import { diffDocuments } from './diff';

const product = sampleRegistry().schema('product');

const P1: JsonObject = {
  sku: 'P1',
  name: 'Moisture Cream',
  brand_id: 'B1',
  category_ids: ['C1', 'C2'],
  price: 19000,
  currency: 'KRW',
  status: 'ACTIVE',
};

const ITEM_SCHEMA = `kind: EntitySchema
id: item
version: 1.0.0
entityType: item
idField: id
arrays:
  /variants: { mode: keyed, key: id }
schema:
  type: object
  additionalProperties: false
  required: [id]
  properties:
    id: { type: string }
    title: { type: string }
    variants:
      type: array
      items:
        type: object
        additionalProperties: false
        required: [id]
        properties:
          id: { type: string }
          price: { type: integer }
          color: { type: string }
`;

const ITEM_RULES = `kind: RuleSet
id: item
version: 1.0.0
entityType: item
schema: { id: item, version: 1.0.0 }
slices:
  - type: ITEM_CORE
    fields: { id: /id, title: /title, variants: /variants }
impactMap:
  - { path: /id, slices: [ITEM_CORE] }
  - { path: /title, slices: [ITEM_CORE] }
  - { path: /variants, slices: [ITEM_CORE] }
`;

const item = registryFromSources([
  { path: 'schemas/item.yaml', text: ITEM_SCHEMA },
  { path: 'rulesets/item.yaml', text: ITEM_RULES },
]).schema('item');

describe('diffDocuments on the product schema', () => {
  it('emits one add per top-level field, in path order, for a creation', () => {
    expect(diffDocuments(product, undefined, P1)).toEqual([
      { op: 'add', path: '/brand_id', after: 'B1' },
      { op: 'add', path: '/category_ids', after: ['C1', 'C2'] },
      { op: 'add', path: '/currency', after: 'KRW' },
      { op: 'add', path: '/name', after: 'Moisture Cream' },
      { op: 'add', path: '/price', after: 19000 },
      { op: 'add', path: '/sku', after: 'P1' },
      { op: 'add', path: '/status', after: 'ACTIVE' },
    ]);
  });

  it('emits one remove per top-level field for a deletion', () => {
    expect(diffDocuments(product, { ...P1, attributes: { color: 'red' } }, undefined)).toEqual([
      { op: 'remove', path: '/attributes', before: { color: 'red' } },
      { op: 'remove', path: '/brand_id', before: 'B1' },
      { op: 'remove', path: '/category_ids', before: ['C1', 'C2'] },
      { op: 'remove', path: '/currency', before: 'KRW' },
      { op: 'remove', path: '/name', before: 'Moisture Cream' },
      { op: 'remove', path: '/price', before: 19000 },
      { op: 'remove', path: '/sku', before: 'P1' },
      { op: 'remove', path: '/status', before: 'ACTIVE' },
    ]);
  });

  it('emits nothing for no document on either side, or the same document', () => {
    expect(diffDocuments(product, undefined, undefined)).toEqual([]);
    expect(diffDocuments(product, P1, { ...P1 })).toEqual([]);
  });

  it('emits exactly one replace for a one-field edit', () => {
    expect(diffDocuments(product, P1, { ...P1, price: 17000 })).toEqual([{ op: 'replace', path: '/price', before: 19000, after: 17000 }]);
    expect(diffDocuments(product, P1, { ...P1, status: 'INACTIVE' })).toEqual([{ op: 'replace', path: '/status', before: 'ACTIVE', after: 'INACTIVE' }]);
  });

  it('emits changes of several fields in path order', () => {
    expect(diffDocuments(product, P1, { ...P1, status: 'INACTIVE', brand_id: 'B2' }).map((c) => `${c.op} ${c.path}`)).toEqual([
      'replace /brand_id',
      'replace /status',
    ]);
  });

  it('replaces the whole category_ids array on a reorder (mode whole)', () => {
    expect(diffDocuments(product, P1, { ...P1, category_ids: ['C2', 'C1'] })).toEqual([
      { op: 'replace', path: '/category_ids', before: ['C1', 'C2'], after: ['C2', 'C1'] },
    ]);
    expect(diffDocuments(product, P1, { ...P1, category_ids: ['C1', 'C2', 'C3'] })).toEqual([
      { op: 'replace', path: '/category_ids', before: ['C1', 'C2'], after: ['C1', 'C2', 'C3'] },
    ]);
  });

  it('diffs the attributes map key by key', () => {
    const before = { ...P1, attributes: { color: 'red', size: 'L' } };
    expect(diffDocuments(product, before, { ...P1, attributes: { color: 'red', size: 'L', volume: '50ml' } })).toEqual([
      { op: 'add', path: '/attributes/volume', after: '50ml' },
    ]);
    expect(diffDocuments(product, before, { ...P1, attributes: { color: 'red' } })).toEqual([{ op: 'remove', path: '/attributes/size', before: 'L' }]);
    expect(diffDocuments(product, before, { ...P1, attributes: { color: 'blue', size: 'L' } })).toEqual([
      { op: 'replace', path: '/attributes/color', before: 'red', after: 'blue' },
    ]);
  });

  it('adds or removes the whole attributes map as one change', () => {
    expect(diffDocuments(product, P1, { ...P1, attributes: { color: 'red', size: 'L' } })).toEqual([
      { op: 'add', path: '/attributes', after: { color: 'red', size: 'L' } },
    ]);
    expect(diffDocuments(product, { ...P1, attributes: { color: 'red' } }, P1)).toEqual([{ op: 'remove', path: '/attributes', before: { color: 'red' } }]);
  });

  it('escapes / and ~ in keys', () => {
    const before = { ...P1, attributes: { 'a/b': '1', 'c~d': '2' } };
    expect(diffDocuments(product, before, { ...P1, attributes: { 'a/b': '10', 'c~d': '20', '~/': '3' } })).toEqual([
      { op: 'replace', path: '/attributes/a~1b', before: '1', after: '10' },
      { op: 'replace', path: '/attributes/c~0d', before: '2', after: '20' },
      { op: 'add', path: '/attributes/~0~1', after: '3' },
    ]);
  });

  it('replaces a value whose type changes', () => {
    expect(diffDocuments(product, { ...P1, attributes: { a: '1' } }, { ...P1, attributes: 'x' } as unknown as JsonObject)).toEqual([
      { op: 'replace', path: '/attributes', before: { a: '1' }, after: 'x' },
    ]);
  });
});

describe('diffDocuments on a keyed array', () => {
  const base: JsonObject = {
    id: 'I1',
    variants: [
      { id: 'v1', price: 100, color: 'red' },
      { id: 'v2', price: 200 },
    ],
  };
  const withVariants = (variants: Json[]): JsonObject => ({ ...base, variants });

  it('compiles the keyed rule', () => {
    expect([...item.arrays]).toEqual([['/variants', { mode: 'keyed', key: 'id' }]]);
  });

  it('adds and removes members by key', () => {
    expect(
      diffDocuments(
        item,
        base,
        withVariants([
          { id: 'v1', price: 100, color: 'red' },
          { id: 'v2', price: 200 },
          { id: 'v3', price: 300 },
        ]),
      ),
    ).toEqual([{ op: 'add', path: '/variants/v3', after: { id: 'v3', price: 300 } }]);
    expect(diffDocuments(item, base, withVariants([{ id: 'v2', price: 200 }]))).toEqual([
      { op: 'remove', path: '/variants/v1', before: { id: 'v1', price: 100, color: 'red' } },
    ]);
  });

  it('adds a member in the middle without touching the others', () => {
    expect(diffDocuments(item, base, withVariants([{ id: 'v1', price: 100, color: 'red' }, { id: 'v0' }, { id: 'v2', price: 200 }]))).toEqual([
      { op: 'add', path: '/variants/v0', after: { id: 'v0' } },
    ]);
  });

  it('changes a member field at /variants/<key>/<field>', () => {
    expect(
      diffDocuments(
        item,
        base,
        withVariants([
          { id: 'v1', price: 150, color: 'red' },
          { id: 'v2', price: 200 },
        ]),
      ),
    ).toEqual([{ op: 'replace', path: '/variants/v1/price', before: 100, after: 150 }]);
    expect(
      diffDocuments(
        item,
        base,
        withVariants([
          { id: 'v1', price: 100 },
          { id: 'v2', price: 200, color: 'blue' },
        ]),
      ),
    ).toEqual([
      { op: 'remove', path: '/variants/v1/color', before: 'red' },
      { op: 'add', path: '/variants/v2/color', after: 'blue' },
    ]);
  });

  it('replaces the whole array when members are reordered', () => {
    const reordered = withVariants([
      { id: 'v2', price: 200 },
      { id: 'v1', price: 100, color: 'red' },
    ]);
    expect(diffDocuments(item, base, reordered)).toEqual([{ op: 'replace', path: '/variants', before: base['variants'], after: reordered['variants'] }]);
  });

  it('replaces the whole array when keys are duplicated or missing', () => {
    const duplicated = withVariants([
      { id: 'v1', price: 100 },
      { id: 'v1', price: 200 },
    ]);
    expect(diffDocuments(item, base, duplicated)).toEqual([{ op: 'replace', path: '/variants', before: base['variants'], after: duplicated['variants'] }]);
    expect(diffDocuments(item, duplicated, base)).toEqual([{ op: 'replace', path: '/variants', before: duplicated['variants'], after: base['variants'] }]);
    const keyless = withVariants([{ price: 100 }]);
    expect(diffDocuments(item, base, keyless)).toEqual([{ op: 'replace', path: '/variants', before: base['variants'], after: keyless['variants'] }]);
  });

  it('diffs a creation as one add of the array', () => {
    expect(diffDocuments(item, undefined, base)).toEqual([
      { op: 'add', path: '/id', after: 'I1' },
      { op: 'add', path: '/variants', after: base['variants'] },
    ]);
  });
});

/** The same JSON with every object's keys inserted in reverse order. */
function reverseKeys(value: Json): Json {
  if (Array.isArray(value)) return (value as readonly Json[]).map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  }
  return value;
}

describe('diffDocuments properties', () => {
  const productDoc = fc.record(
    {
      sku: fc.constantFrom('P1', 'P2'),
      name: fc.string({ maxLength: 4 }),
      brand_id: fc.constantFrom('B1', 'B2'),
      category_ids: fc.uniqueArray(fc.constantFrom('C1', 'C2', 'C3'), { maxLength: 3 }),
      price: fc.nat(1000),
      currency: fc.constantFrom('KRW', 'USD'),
      status: fc.constantFrom('ACTIVE', 'INACTIVE'),
      attributes: fc.dictionary(fc.constantFrom('color', 'size', 'a/b', 'a0', 'c~d', '~'), fc.constantFrom('1', '2')),
    },
    { requiredKeys: ['sku', 'name'] },
  ) as fc.Arbitrary<JsonObject>;
  const itemDoc = fc.record({
    id: fc.constant('I1'),
    variants: fc.uniqueArray(fc.record({ id: fc.constantFrom('v1', 'v2', 'v3'), price: fc.nat(3) }), { selector: (v) => v.id, maxLength: 3 }),
  }) as fc.Arbitrary<JsonObject>;

  it('diff(a, a) is empty', () => {
    fc.assert(
      fc.property(productDoc, itemDoc, (p, i) => {
        expect(diffDocuments(product, p, p)).toEqual([]);
        expect(diffDocuments(product, p, reverseKeys(p) as JsonObject)).toEqual([]);
        expect(diffDocuments(item, i, i)).toEqual([]);
      }),
      { seed: 1701, numRuns: 200 },
    );
  });

  it('is deterministic regardless of key insertion order', () => {
    fc.assert(
      fc.property(productDoc, productDoc, itemDoc, itemDoc, (a, b, x, y) => {
        const plain = canonicalJson(diffDocuments(product, a, b) as unknown as Json);
        expect(canonicalJson(diffDocuments(product, reverseKeys(a) as JsonObject, reverseKeys(b) as JsonObject) as unknown as Json)).toBe(plain);
        const keyed = canonicalJson(diffDocuments(item, x, y) as unknown as Json);
        expect(canonicalJson(diffDocuments(item, reverseKeys(x) as JsonObject, reverseKeys(y) as JsonObject) as unknown as Json)).toBe(keyed);
      }),
      { seed: 1702, numRuns: 300 },
    );
  });

  it('emits changes in key order (of the unescaped segments) with no duplicate path', () => {
    fc.assert(
      fc.property(productDoc, productDoc, (a, b) => {
        const paths = diffDocuments(product, a, b).map((c) => c.path);
        const byKeys = (p: string): string => parsePath(p).join('\u0000');
        expect([...paths].sort((x, y) => (byKeys(x) < byKeys(y) ? -1 : 1))).toEqual(paths);
        expect(new Set(paths).size).toBe(paths.length);
      }),
      { seed: 1703, numRuns: 200 },
    );
  });
});
