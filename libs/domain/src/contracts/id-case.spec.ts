import { camelCaseId, pascalCaseId } from './id-case';

describe('contract id casing', () => {
  it('names a contract id in PascalCase and camelCase, whatever its separators', () => {
    const ids = ['product', 'product-detail', 'opensearch_products', 'v2.offer', 'skuV2', 'SKU'];
    expect(ids.map(pascalCaseId)).toEqual(['Product', 'ProductDetail', 'OpensearchProducts', 'V2Offer', 'SkuV2', 'SKU']);
    expect(ids.map(camelCaseId)).toEqual(['product', 'productDetail', 'opensearchProducts', 'v2Offer', 'skuV2', 'sKU']);
  });

  it('answers the empty name for an id with no letter or digit (callers refuse it)', () => {
    expect(pascalCaseId('--')).toBe('');
    expect(camelCaseId('--')).toBe('');
  });
});
