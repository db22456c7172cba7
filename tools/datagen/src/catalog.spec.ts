import { generateCatalog } from './catalog';

describe('generateCatalog', () => {
  const spec = { products: 2_000, brands: 50, categories: 30, seed: 7, pinnedBrandSizes: [300, 40] };

  it('is the same for the same spec', () => {
    expect(JSON.stringify(generateCatalog(spec))).toBe(JSON.stringify(generateCatalog(spec)));
    expect(JSON.stringify(generateCatalog({ ...spec, seed: 8 }))).not.toBe(JSON.stringify(generateCatalog(spec)));
  });

  it('honours sizes, pinned brand sizes, and references only existing brands and categories', () => {
    const catalog = generateCatalog(spec);
    expect(catalog.products).toHaveLength(2_000);
    expect(catalog.brands).toHaveLength(50);
    expect(catalog.categories).toHaveLength(30);
    const perBrand = new Map<string, number>();
    for (const p of catalog.products) perBrand.set(p.brand_id, (perBrand.get(p.brand_id) ?? 0) + 1);
    expect(perBrand.get('B0000')).toBe(300);
    expect(perBrand.get('B0001')).toBe(40);
    const brands = new Set(catalog.brands.map((b) => b.brand_id));
    const categories = new Set(catalog.categories.map((c) => c.category_id));
    for (const p of catalog.products) {
      expect(brands.has(p.brand_id)).toBe(true);
      expect(p.category_ids.every((c) => categories.has(c))).toBe(true);
      expect(new Set(p.category_ids).size).toBe(p.category_ids.length);
    }
  });

  it('refuses pinned sizes that do not fit', () => {
    expect(() => generateCatalog({ ...spec, pinnedBrandSizes: [3_000] })).toThrow(RangeError);
  });
});
