import { brandDoc, productDoc, rawPath, TENANT } from './testing/http-harness';
import { useTestApi } from './testing/use-test-api';

const api = useTestApi();

const base = `/v1/tenants/${TENANT}`;
const view = (sku: string, brand: Record<string, string>) => ({
  view: 'product-detail',
  entityKey: `product#${sku}`,
  version: 1,
  data: { sku, name: `Product ${sku}`, status: 'ACTIVE', ...brand, category_ids: ['C1'], price: 1000, currency: 'KRW' },
  missingSlices: [],
});

describe('brand rename fan-out, end to end over HTTP', () => {
  it('renames the brand in every product view and reports exactly those products', async () => {
    const skus = ['F1', 'F2', 'F3'];
    expect((await api.request('PUT', rawPath('brand', 'FB', 1), { body: brandDoc('FB', 'Acme') })).status).toBe(201);
    expect((await api.request('POST', `${base}/slicing`, { body: { entityType: 'brand', entityId: 'FB', version: 1, mode: 'FULL' } })).status).toBe(200);
    // A product of another brand must not be touched.
    await api.request('PUT', rawPath('product', 'OTHER', 1), { body: productDoc('OTHER', 'XB') });
    await api.request('POST', `${base}/slicing`, { body: { entityType: 'product', entityId: 'OTHER', version: 1, mode: 'INCREMENTAL' } });
    for (const sku of skus) {
      expect((await api.request('PUT', rawPath('product', sku, 1), { body: productDoc(sku, 'FB') })).status).toBe(201);
      expect((await api.request('POST', `${base}/slicing`, { body: { entityType: 'product', entityId: sku, version: 1, mode: 'INCREMENTAL' } })).status).toBe(
        200,
      );
      expect((await api.request('GET', `${base}/views/product-detail/${sku}`)).body).toEqual(view(sku, { brand_id: 'FB', brand_name: 'Acme' }));
    }

    expect((await api.request('PUT', rawPath('brand', 'FB', 2), { body: brandDoc('FB', 'Acme Corp') })).status).toBe(201);
    const rename = await api.request('POST', `${base}/slicing`, { body: { entityType: 'brand', entityId: 'FB', version: 2, mode: 'INCREMENTAL' } });
    expect(rename.status).toBe(200);
    expect(rename.body).toEqual({
      entityKey: 'brand#FB',
      version: 2,
      mode: 'INCREMENTAL',
      fromVersion: 1,
      written: ['BRAND_CORE'],
      unchanged: [],
      tombstoned: [],
      index: { added: [], removed: [] },
      superseded: [],
      fanout: ['product#F1', 'product#F2', 'product#F3'],
      fanoutBatches: 1,
      cutover: true,
      slicedVersion: 2,
      activeVersion: 2,
    });

    for (const sku of skus)
      expect((await api.request('GET', `${base}/views/product-detail/${sku}`)).body).toEqual(view(sku, { brand_id: 'FB', brand_name: 'Acme Corp' }));
    // No brand XB exists: no brand_name, and nothing from the renamed brand.
    expect((await api.request('GET', `${base}/views/product-detail/OTHER`)).body).toEqual(view('OTHER', { brand_id: 'XB' }));
  });
});
