import fc from 'fast-check';

/**
 * Random change sequences over a small sample catalog. Pools are small on purpose: products
 * share brands and categories, entities get deleted and re-created, brands get renamed while
 * products point at them, and products move between brands and categories.
 */
export const SKUS = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6'] as const;
export const BRANDS = ['B1', 'B2', 'B3'] as const;
export const CATEGORIES = ['C1', 'C2', 'C3', 'C4'] as const;

export type SliceMode = 'INCREMENTAL' | 'FULL';
export type ProductField = 'name' | 'brand_id' | 'category_ids' | 'price' | 'currency' | 'status' | 'attributes';

export interface ProductDoc {
  sku: string;
  name: string;
  brand_id: string;
  category_ids: string[];
  price: number;
  currency: string;
  status: 'ACTIVE' | 'INACTIVE' | 'DISCONTINUED';
  attributes?: Record<string, string>;
}

interface Step {
  /** How far the version jumps (versions need only increase). */
  readonly gap: number;
  readonly mode: SliceMode;
  /** Seeds the key order the document is sent in; content must not depend on it. */
  readonly keyOrder: number;
}

export type CatalogOp = Step &
  (
    | { readonly kind: 'putProduct'; readonly doc: ProductDoc }
    | { readonly kind: 'editProduct'; readonly sku: string; readonly field: ProductField; readonly value: unknown }
    | { readonly kind: 'deleteProduct'; readonly sku: string }
    | { readonly kind: 'putBrand'; readonly brandId: string; readonly name: string }
    | { readonly kind: 'deleteBrand'; readonly brandId: string }
    | { readonly kind: 'putCategory'; readonly categoryId: string; readonly name: string; readonly parentId: string | undefined }
    | { readonly kind: 'deleteCategory'; readonly categoryId: string }
  );

const name = fc.constantFrom('Moisture Cream', 'Toner', 'Serum', 'Sun Cream', 'Cleanser', '  Lip Balm ', 'Night Mask');
const brandName = fc.constantFrom('Acme', 'Acme Corp', 'Globex', 'Initech', 'Umbrella');
const categoryIds = fc.uniqueArray(fc.constantFrom(...CATEGORIES), { maxLength: 3 });
const price = fc.oneof(fc.constantFrom(0, 19000, 25000), fc.integer({ min: 0, max: 1_000_000 }));
const currency = fc.constantFrom('KRW', 'USD', 'EUR');
const status = fc.constantFrom('ACTIVE' as const, 'INACTIVE' as const, 'DISCONTINUED' as const);
const attributes = fc.option(
  fc.dictionary(fc.constantFrom('color', 'size', 'skin/type', 'volume~ml'), fc.constantFrom('red', 'blue', '50ml', 'dry', ''), { maxKeys: 3 }),
  { nil: undefined },
);

export const productDoc = (sku: string): fc.Arbitrary<ProductDoc> =>
  fc
    .record({ name, brand_id: fc.constantFrom(...BRANDS), category_ids: categoryIds, price, currency, status, attributes })
    .map(({ attributes: attrs, ...rest }) => (attrs === undefined ? { sku, ...rest } : { sku, ...rest, attributes: attrs }));

const fieldValue: Record<ProductField, fc.Arbitrary<unknown>> = {
  name,
  brand_id: fc.constantFrom(...BRANDS),
  category_ids: categoryIds,
  price,
  currency,
  status,
  attributes,
};

const step = fc.record({
  gap: fc.oneof({ weight: 5, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 4 }) }),
  mode: fc.oneof({ weight: 6, arbitrary: fc.constant<SliceMode>('INCREMENTAL') }, { weight: 1, arbitrary: fc.constant<SliceMode>('FULL') }),
  keyOrder: fc.nat(),
});

const opBody = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .constantFrom(...SKUS)
      .chain((sku) => productDoc(sku))
      .map((doc) => ({ kind: 'putProduct' as const, doc })),
  },
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom(...SKUS), fc.constantFrom<ProductField>('name', 'brand_id', 'category_ids', 'price', 'currency', 'status', 'attributes'))
      .chain(([sku, field]) => fieldValue[field].map((value) => ({ kind: 'editProduct' as const, sku, field, value }))),
  },
  { weight: 1, arbitrary: fc.constantFrom(...SKUS).map((sku) => ({ kind: 'deleteProduct' as const, sku })) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...BRANDS), brandName).map(([brandId, n]) => ({ kind: 'putBrand' as const, brandId, name: n })) },
  { weight: 1, arbitrary: fc.constantFrom(...BRANDS).map((brandId) => ({ kind: 'deleteBrand' as const, brandId })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...CATEGORIES), name, fc.option(fc.constantFrom(...CATEGORIES), { nil: undefined }))
      .map(([categoryId, n, parentId]) => ({ kind: 'putCategory' as const, categoryId, name: n, parentId })),
  },
  { weight: 1, arbitrary: fc.constantFrom(...CATEGORIES).map((categoryId) => ({ kind: 'deleteCategory' as const, categoryId })) },
);

export const catalogOp: fc.Arbitrary<CatalogOp> = fc.tuple(step, opBody).map(([s, body]) => ({ ...s, ...body }) as CatalogOp);

export const catalogOps = (options: { minLength: number; maxLength: number; size?: fc.SizeForArbitrary }): fc.Arbitrary<CatalogOp[]> =>
  fc.array(catalogOp, options);

/**
 * The same JSON with object keys re-inserted in a seeded order: content equal, key order not.
 * Keys are defined (Object.fromEntries), never assigned, so an own `__proto__` key stays an own
 * key instead of setting the prototype and vanishing.
 */
export function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v, i) => shuffleKeys(v, seed + i + 1));
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value);
  let s = seed >>> 0;
  for (let i = keys.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [keys[i], keys[j]] = [keys[j] as string, keys[i] as string];
  }
  return Object.fromEntries(keys.map((key) => [key, shuffleKeys((value as Record<string, unknown>)[key], seed + key.length)]));
}
