import type { Product } from '../src';

/** A valid product document of the sample catalog, typed by the generated SDK; `extra` overrides fields. */
export const sampleProduct = (sku: string, extra: Partial<Product> = {}): Product => ({
  sku,
  name: `Product ${sku}`,
  brand_id: 'B1',
  category_ids: ['C1'],
  price: 19000,
  currency: 'KRW',
  status: 'ACTIVE',
  ...extra,
});
