import fc from 'fast-check';

/**
 * Random change sequences over a small sample catalog, in two tenants. Pools are small on
 * purpose: products share brands and categories, entities get deleted and re-created, brands get
 * renamed while products point at them, products move between brands and categories, versions
 * are ingested and sliced later (or never), sliced without cutover, and old slicings are replayed
 * late. Index values carry '#' and '%' (category values, a brand id), which index keys escape.
 */
export const TENANTS = ['acme', 'beta'] as const;
export const SKUS = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6'] as const;
/** Brand ids; `B%3` is a valid entity id whose index value must be escaped. */
export const BRANDS = ['B1', 'B2', 'B%3'] as const;
/** Category entity ids (an id cannot hold '#'). */
export const CATEGORIES = ['C1', 'C2', 'C%3', 'C4'] as const;
/** Values products list in category_ids: index values, which may hold '#' and '%'. */
export const CATEGORY_VALUES = ['C1', 'C#2', 'C%3', 'C4'] as const;

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

export type SliceWhen = 'now' | 'later';
export type EntityKind = 'product' | 'brand' | 'category';

interface Step {
  /** How far the version jumps (versions need only increase). */
  readonly gap: number;
  readonly mode: SliceMode;
  /** Seeds the key order the document is sent in; content must not depend on it. */
  readonly keyOrder: number;
  /** Index into TENANTS (default 0). */
  readonly tenant?: number;
  /** 'later': ingest only; a later `sliceLatest` (or the next slicing) slices it. Default 'now'. */
  readonly slice?: SliceWhen;
  /** Move the active version to the sliced one (default true). */
  readonly cutover?: boolean;
  /** INCREMENTAL: pass the base version explicitly, or let the engine default it (default: explicit). */
  readonly explicitBase?: boolean;
}

/** Changes that ingest a new version of one entity (and slice it now or later). */
export type IngestOp =
  | { readonly kind: 'putProduct'; readonly doc: ProductDoc }
  | { readonly kind: 'editProduct'; readonly sku: string; readonly field: ProductField; readonly value: unknown }
  | { readonly kind: 'deleteProduct'; readonly sku: string }
  | { readonly kind: 'putBrand'; readonly brandId: string; readonly name: string }
  | { readonly kind: 'deleteBrand'; readonly brandId: string }
  | { readonly kind: 'putCategory'; readonly categoryId: string; readonly name: string; readonly parentId: string | undefined }
  | { readonly kind: 'deleteCategory'; readonly categoryId: string };

/** Steps that ingest nothing. */
export type WorkOp =
  /** Slice the entity's newest ingested version (a replay when it is sliced already). */
  | { readonly kind: 'sliceLatest'; readonly entityType: EntityKind; readonly entityId: string }
  /** Re-issue one of the entity's earlier slicing requests (`pick` modulo their number), late. */
  | { readonly kind: 'replay'; readonly entityType: EntityKind; readonly entityId: string; readonly pick: number }
  /** Switch the world to the product schema and RuleSet 1.1.0 (a rolling upgrade; once). */
  | { readonly kind: 'bumpRuleSet' };

export type CatalogOp = Step & (IngestOp | WorkOp);

const name = fc.constantFrom('Moisture Cream', 'Toner', 'Serum', 'Sun Cream', 'Cleanser', '  Lip Balm ', 'Night Mask');
const brandName = fc.constantFrom('Acme', 'Acme Corp', 'Globex', 'Initech', 'Umbrella');
const categoryIds = fc.uniqueArray(fc.constantFrom(...CATEGORY_VALUES), { maxLength: 3 });
const price = fc.oneof(fc.constantFrom(0, 19000, 25000), fc.integer({ min: 0, max: 1_000_000 }));
const currency = fc.constantFrom('KRW', 'USD', 'EUR');
const status = fc.constantFrom('ACTIVE' as const, 'INACTIVE' as const, 'DISCONTINUED' as const);
const attributes = fc.option(
  fc.dictionary(fc.constantFrom('color', 'size', 'skin/type', 'volume~ml'), fc.constantFrom('red', 'blue', '50ml', 'dry', ''), { maxKeys: 3 }),
  { nil: undefined },
);

/** Which entities a sequence draws from. */
export interface CatalogPools {
  readonly skus: readonly string[];
  readonly brands: readonly string[];
  /** How many of TENANTS (1 or 2). */
  readonly tenants: number;
}

const ALL: CatalogPools = { skus: SKUS, brands: BRANDS, tenants: TENANTS.length };
/** A hot spot: two products, two brands, one tenant; brand renames, FULL slicings and races on one product are frequent. */
export const HOT_POOLS: CatalogPools = { skus: ['P1', 'P2'], brands: ['B1', 'B%3'], tenants: 1 };

export const productDoc = (sku: string, brands: readonly string[] = BRANDS): fc.Arbitrary<ProductDoc> =>
  fc
    .record({ name, brand_id: fc.constantFrom(...brands), category_ids: categoryIds, price, currency, status, attributes })
    .map(({ attributes: attrs, ...rest }) => (attrs === undefined ? { sku, ...rest } : { sku, ...rest, attributes: attrs }));

function opArbitrary(pools: CatalogPools): fc.Arbitrary<CatalogOp> {
  const skus = fc.constantFrom(...pools.skus);
  const brands = fc.constantFrom(...pools.brands);
  const fieldValue: Record<ProductField, fc.Arbitrary<unknown>> = {
    name,
    brand_id: brands,
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
    tenant: pools.tenants === 1 ? fc.constant(0) : fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
    slice: fc.oneof({ weight: 3, arbitrary: fc.constant<SliceWhen>('now') }, { weight: 1, arbitrary: fc.constant<SliceWhen>('later') }),
    cutover: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    explicitBase: fc.boolean(),
  });
  const entityRef = fc.oneof(
    { weight: 4, arbitrary: skus.map((entityId) => ({ entityType: 'product' as const, entityId })) },
    { weight: 1, arbitrary: brands.map((entityId) => ({ entityType: 'brand' as const, entityId })) },
    { weight: 1, arbitrary: fc.constantFrom(...CATEGORIES).map((entityId) => ({ entityType: 'category' as const, entityId })) },
  );
  const body = fc.oneof(
    { weight: 4, arbitrary: skus.chain((sku) => productDoc(sku, pools.brands)).map((doc) => ({ kind: 'putProduct' as const, doc })) },
    {
      weight: 6,
      arbitrary: fc
        .tuple(skus, fc.constantFrom<ProductField>('name', 'brand_id', 'category_ids', 'price', 'currency', 'status', 'attributes'))
        .chain(([sku, field]) => fieldValue[field].map((value) => ({ kind: 'editProduct' as const, sku, field, value }))),
    },
    { weight: 1, arbitrary: skus.map((sku) => ({ kind: 'deleteProduct' as const, sku })) },
    { weight: 3, arbitrary: fc.tuple(brands, brandName).map(([brandId, n]) => ({ kind: 'putBrand' as const, brandId, name: n })) },
    { weight: 1, arbitrary: brands.map((brandId) => ({ kind: 'deleteBrand' as const, brandId })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...CATEGORIES), name, fc.option(fc.constantFrom(...CATEGORIES), { nil: undefined }))
        .map(([categoryId, n, parentId]) => ({ kind: 'putCategory' as const, categoryId, name: n, parentId })),
    },
    { weight: 1, arbitrary: fc.constantFrom(...CATEGORIES).map((categoryId) => ({ kind: 'deleteCategory' as const, categoryId })) },
    { weight: 3, arbitrary: entityRef.map((ref) => ({ kind: 'sliceLatest' as const, ...ref })) },
    { weight: 2, arbitrary: fc.tuple(entityRef, fc.nat()).map(([ref, pick]) => ({ kind: 'replay' as const, ...ref, pick })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'bumpRuleSet' as const }) },
  );
  return fc.tuple(step, body).map(([s, b]) => ({ ...s, ...b }) as CatalogOp);
}

export const catalogOp: fc.Arbitrary<CatalogOp> = opArbitrary(ALL);

export const catalogOps = (options: { minLength: number; maxLength: number; size?: fc.SizeForArbitrary; pools?: CatalogPools }): fc.Arbitrary<CatalogOp[]> => {
  const { pools, ...array } = options;
  return fc.array(pools ? opArbitrary(pools) : catalogOp, array);
};

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
