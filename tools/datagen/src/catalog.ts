import { seededRandom } from './prng';

export interface BrandDoc {
  brand_id: string;
  name: string;
}

export interface CategoryDoc {
  category_id: string;
  name: string;
  parent_id?: string;
}

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

export interface CatalogSpec {
  readonly products: number;
  readonly brands: number;
  readonly categories: number;
  readonly seed: number;
  /**
   * Products pinned to the first brands, in order: `[1000, 100]` gives brand 0 exactly 1,000
   * products and brand 1 exactly 100 (fan-out benchmarks need known sizes). The rest spread
   * over the remaining brands.
   */
  readonly pinnedBrandSizes?: readonly number[];
}

export interface Catalog {
  readonly brands: BrandDoc[];
  readonly categories: CategoryDoc[];
  readonly products: ProductDoc[];
}

const WORDS = ['Moisture', 'Cream', 'Toner', 'Serum', 'Sun', 'Gel', 'Foam', 'Mask', 'Balm', 'Mist', 'Oil', 'Essence', 'Night', 'Daily', 'Hydra', 'Calm'];
const CURRENCIES = ['KRW', 'USD', 'EUR', 'JPY'];
const STATUSES = ['ACTIVE', 'ACTIVE', 'ACTIVE', 'INACTIVE', 'DISCONTINUED'] as const;

export const brandId = (i: number): string => `B${String(i).padStart(4, '0')}`;
export const categoryId = (i: number): string => `C${String(i).padStart(3, '0')}`;
export const sku = (i: number): string => `SKU-${String(i).padStart(6, '0')}`;

/** A sample catalog, the same for the same spec on every machine. */
export function generateCatalog(spec: CatalogSpec): Catalog {
  const random = seededRandom(spec.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const words = (n: number): string => Array.from({ length: n }, () => pick(WORDS)).join(' ');

  const brands = Array.from({ length: spec.brands }, (_, i) => ({ brand_id: brandId(i), name: `${words(2)} ${i}` }));
  const categories: CategoryDoc[] = Array.from({ length: spec.categories }, (_, i) =>
    i < 20 ? { category_id: categoryId(i), name: words(1) } : { category_id: categoryId(i), name: words(2), parent_id: categoryId(Math.floor(random() * 20)) },
  );
  const pinned = spec.pinnedBrandSizes ?? [];
  const pinnedTotal = pinned.reduce((a, b) => a + b, 0);
  if (pinned.length >= spec.brands || pinnedTotal > spec.products) throw new RangeError('pinnedBrandSizes do not fit the catalog');
  const brandOf = (i: number): string => {
    let offset = i;
    for (const [b, size] of pinned.entries()) {
      if (offset < size) return brandId(b);
      offset -= size;
    }
    return brandId(pinned.length + Math.floor(random() * (spec.brands - pinned.length)));
  };
  const products = Array.from({ length: spec.products }, (_, i): ProductDoc => {
    const categoryCount = 1 + Math.floor(random() * 3);
    const categoryIds = [...new Set(Array.from({ length: categoryCount }, () => categoryId(Math.floor(random() * spec.categories))))];
    const doc: ProductDoc = {
      sku: sku(i),
      name: words(3),
      brand_id: brandOf(i),
      category_ids: categoryIds,
      price: Math.floor(random() * 200_000),
      currency: pick(CURRENCIES),
      status: pick(STATUSES),
    };
    if (random() < 0.5) doc.attributes = { volume: `${10 * (1 + Math.floor(random() * 20))}ml`, skin: pick(['dry', 'oily', 'normal']) };
    return doc;
  });
  return { brands, categories, products };
}
