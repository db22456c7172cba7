import { SlicingEngine } from '@ivm/domain';
import { brandDoc, productDoc, rawPath, TENANT } from './testing/http-harness';
import { useTestApi } from './testing/use-test-api';

const api = useTestApi();

const base = `/v1/tenants/${TENANT}`;
const slice = (body: Record<string, unknown>) => api.request('POST', `${base}/slicing`, { body });
const put = (entityType: string, id: string, version: number, body: unknown) => api.request('PUT', rawPath(entityType, id, version), { body });

describe('GET /v1/contracts', () => {
  it('lists the loaded contracts', async () => {
    const answer = await api.request('GET', '/v1/contracts');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(
      expect.arrayContaining([
        { kind: 'EntitySchema', id: 'product', version: '1.0.0' },
        { kind: 'View', id: 'product-detail', version: '1.0.0' },
      ]),
    );
  });
});

describe('POST /changesets', () => {
  it('creates (201), then returns the stored one (200)', async () => {
    await put('brand', 'C1', 1, brandDoc('C1', 'Acme'));
    await put('brand', 'C1', 2, brandDoc('C1', 'Acme Corp'));
    const body = { entityType: 'brand', entityId: 'C1', fromVersion: 1, toVersion: 2 };
    const created = await api.request('POST', `${base}/changesets`, { body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ hash: expect.any(String), changes: [{ op: 'replace', path: '/name', before: 'Acme', after: 'Acme Corp' }] });
    const again = await api.request('POST', `${base}/changesets`, { body });
    expect(again.status).toBe(200);
    expect((again.body as { hash: string }).hash).toBe((created.body as { hash: string }).hash);
    const creation = await api.request('POST', `${base}/changesets`, { body: { ...body, fromVersion: 0, toVersion: 1 } });
    expect(creation.body).toMatchObject({
      changes: [
        { op: 'add', path: '/brand_id' },
        { op: 'add', path: '/name' },
      ],
    });
  });

  it('refuses a backwards range (400), a missing version (404), an unknown type (404)', async () => {
    const body = { entityType: 'brand', entityId: 'C1', fromVersion: 2, toVersion: 1 };
    expect(await api.request('POST', `${base}/changesets`, { body })).toMatchObject({ status: 400, body: { error: { code: 'INVALID_CHANGESET_RANGE' } } });
    expect(await api.request('POST', `${base}/changesets`, { body: { ...body, fromVersion: 1, toVersion: 9 } })).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    expect(await api.request('POST', `${base}/changesets`, { body: { ...body, entityType: 'shoe', fromVersion: 1, toVersion: 2 } })).toMatchObject({
      status: 404,
      body: { error: { code: 'UNKNOWN_ENTITY_TYPE' } },
    });
  });
});

describe('POST /slicing, GET /slices, GET /views', () => {
  it('slices FULL, answers the API shape, cuts over, and serves slices and the view', async () => {
    await put('brand', 'S1', 1, brandDoc('S1', 'Acme'));
    await put('product', 'P1', 1, productDoc('P1', 'S1'));
    expect((await slice({ entityType: 'brand', entityId: 'S1', version: 1, mode: 'FULL' })).status).toBe(200);
    const answer = await slice({ entityType: 'product', entityId: 'P1', version: 1, mode: 'FULL' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      written: ['PRODUCT_CORE', 'PRODUCT_PRICE', 'PRODUCT_BRAND_ENRICHED'],
      unchanged: [],
      tombstoned: [],
      index: { added: ['IDX#brand#S1#product', 'IDX#category#C1#product'], removed: [] },
      fanout: [],
    });
    const again = await slice({ entityType: 'product', entityId: 'P1', version: 1, mode: 'FULL' });
    expect(again.body).toMatchObject({ written: [], unchanged: ['PRODUCT_CORE', 'PRODUCT_PRICE', 'PRODUCT_BRAND_ENRICHED'] });

    const slices = await api.request('GET', `${base}/slices/product/P1`);
    expect(slices.status).toBe(200);
    expect(slices.body).toMatchObject({
      version: 1,
      slices: {
        PRODUCT_PRICE: { hash: expect.any(String), tombstone: false, data: { price: 1000, currency: 'KRW' } },
        PRODUCT_BRAND_ENRICHED: { data: { brand_name: 'Acme' } },
      },
    });
    const view = await api.request('GET', `${base}/views/product-detail/P1`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      view: 'product-detail',
      version: 1,
      data: { sku: 'P1', name: 'Product P1', status: 'ACTIVE', brand_id: 'S1', brand_name: 'Acme', category_ids: ['C1'], price: 1000, currency: 'KRW' },
    });
  });

  it('INCREMENTAL defaults fromVersion to the previous raw version; cutover: false keeps the active version', async () => {
    await put('product', 'P2', 1, productDoc('P2', 'S1'));
    await slice({ entityType: 'product', entityId: 'P2', version: 1, mode: 'INCREMENTAL' });
    await put('product', 'P2', 2, productDoc('P2', 'S1', { price: 2500 }));
    const answer = await slice({ entityType: 'product', entityId: 'P2', version: 2, mode: 'INCREMENTAL', cutover: false });
    expect(answer.body).toMatchObject({
      fromVersion: 1,
      written: ['PRODUCT_PRICE'],
      unchanged: [],
      index: { added: [], removed: [] },
      fanout: [],
      cutover: false,
    });
    expect((await api.request('GET', `${base}/views/product-detail/P2`)).body).toMatchObject({ version: 1, data: { price: 1000 } });
    expect((await api.request('GET', `${base}/views/product-detail/P2?version=2`)).body).toMatchObject({ version: 2, data: { price: 2500 } });
    // Slices default to the newest raw version, whatever the active version is.
    expect((await api.request('GET', `${base}/slices/product/P2`)).body).toMatchObject({ version: 2, slices: { PRODUCT_PRICE: { data: { price: 2500 } } } });
    expect((await api.request('GET', `${base}/slices/product/P2?version=1`)).body).toMatchObject({
      version: 1,
      slices: { PRODUCT_PRICE: { data: { price: 1000 } } },
    });
    await slice({ entityType: 'product', entityId: 'P2', version: 2, mode: 'INCREMENTAL', fromVersion: 1 });
    expect((await api.request('GET', `${base}/views/product-detail/P2`)).body).toMatchObject({ version: 2, data: { price: 2500 } });
  });

  it('reports a deleted product’s slices as tombstones and its view as gone', async () => {
    await put('product', 'P3', 1, productDoc('P3', 'S1'));
    await slice({ entityType: 'product', entityId: 'P3', version: 1, mode: 'FULL' });
    await api.request('DELETE', rawPath('product', 'P3', 2));
    const answer = await slice({ entityType: 'product', entityId: 'P3', version: 2, mode: 'INCREMENTAL' });
    expect(answer.body).toMatchObject({
      tombstoned: ['PRODUCT_CORE', 'PRODUCT_PRICE', 'PRODUCT_BRAND_ENRICHED'],
      index: { added: [], removed: ['IDX#brand#S1#product', 'IDX#category#C1#product'] },
    });
    expect((await api.request('GET', `${base}/slices/product/P3`)).body).toMatchObject({
      version: 2,
      slices: { PRODUCT_CORE: { tombstone: true, data: null } },
    });
    expect(await api.request('GET', `${base}/views/product-detail/P3`)).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  });

  it('answers slicing errors with domain codes', async () => {
    expect(await slice({ entityType: 'product', entityId: 'NONE', version: 1, mode: 'FULL' })).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    expect(await slice({ entityType: 'shoe', entityId: 'NONE', version: 1, mode: 'FULL' })).toMatchObject({
      status: 404,
      body: { error: { code: 'UNKNOWN_ENTITY_TYPE' } },
    });
    expect(await slice({ entityType: 'product', entityId: 'P1', version: 1, mode: 'INCREMENTAL', fromVersion: 1 })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_CHANGESET_RANGE' } },
    });
    expect(await slice({ entityType: 'product', entityId: 'P1', version: 0, mode: 'FULL' })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_REQUEST', details: [{ path: '/body/version' }] } },
    });
  });

  it('answers view and slice errors: unknown view, no active version, fail-closed SLICE_MISSING', async () => {
    expect(await api.request('GET', `${base}/views/nope/P1`)).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_CONTRACT' } } });
    await put('product', 'P4', 1, productDoc('P4', 'S1'));
    expect(await api.request('GET', `${base}/views/product-detail/P4`)).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await api.request('GET', `${base}/slices/product/NONE`)).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await api.request('GET', `${base}/slices/shoe/P4`)).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_ENTITY_TYPE' } } });
    // A version whose slices are half built (only PRODUCT_CORE) and cut over anyway: the view fails closed.
    await put('product', 'P5', 1, productDoc('P5', 'S1'));
    await new SlicingEngine(api.registry, api.stores).rebuild(TENANT, 'product#P5', 1, ['PRODUCT_CORE']);
    await api.stores.active.set(TENANT, 'product#P5', 1);
    const missing = await api.request('GET', `${base}/views/product-detail/P5`);
    expect(missing).toMatchObject({
      status: 409,
      body: { error: { code: 'SLICE_MISSING', details: [{ path: 'PRODUCT_PRICE' }, { path: 'PRODUCT_BRAND_ENRICHED' }] } },
    });
  });
});
