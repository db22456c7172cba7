import { SlicingEngine } from '@ivm/domain';
import { brandDoc, productDoc, rawPath, TENANT } from './testing/http-harness';
import { useTestApi } from './testing/use-test-api';
import { sliceReport } from './testing/answers';

const api = useTestApi();

const base = `/v1/tenants/${TENANT}`;
const slice = (body: Record<string, unknown>) => api.request('POST', `${base}/slicing`, { body });
const put = (entityType: string, id: string, version: number, body: unknown) => api.request('PUT', rawPath(entityType, id, version), { body });

const ALL_PRODUCT_SLICES = ['PRODUCT_CORE', 'PRODUCT_PRICE', 'PRODUCT_BRAND_ENRICHED'];
/** The product-detail view of a productDoc of brand S1 (Acme). */
const productView = (sku: string, version: number, data: Record<string, unknown> = {}) => ({
  view: 'product-detail',
  entityKey: `product#${sku}`,
  version,
  data: { sku, name: `Product ${sku}`, status: 'ACTIVE', brand_id: 'S1', brand_name: 'Acme', category_ids: ['C1'], price: 1000, currency: 'KRW', ...data },
  missingSlices: [],
});
/** An effective slice of GET /slices: written at `version`, a tombstone when its data is null. */
const effective = (version: number, data: Record<string, unknown> | null) => ({ version, hash: expect.any(String), data, tombstone: data === null });

describe('POST /changesets', () => {
  it('creates (201), then returns the stored one (200)', async () => {
    await put('brand', 'C1', 1, brandDoc('C1', 'Acme'));
    await put('brand', 'C1', 2, brandDoc('C1', 'Acme Corp'));
    const body = { entityType: 'brand', entityId: 'C1', fromVersion: 1, toVersion: 2 };
    const created = await api.request('POST', `${base}/changesets`, { body });
    expect(created.status).toBe(201);
    const changeSet = {
      entityKey: 'brand#C1',
      fromVersion: 1,
      toVersion: 2,
      hash: expect.any(String),
      changes: [{ op: 'replace', path: '/name', before: 'Acme', after: 'Acme Corp' }],
    };
    expect(created.body).toEqual({ ...changeSet, created: true });
    const again = await api.request('POST', `${base}/changesets`, { body });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...changeSet, hash: (created.body as { hash: string }).hash, created: false });
    const creation = await api.request('POST', `${base}/changesets`, { body: { ...body, fromVersion: 0, toVersion: 1 } });
    expect(creation.body).toEqual({
      entityKey: 'brand#C1',
      fromVersion: 0,
      toVersion: 1,
      hash: expect.any(String),
      changes: [
        { op: 'add', path: '/brand_id', after: 'C1' },
        { op: 'add', path: '/name', after: 'Acme' },
      ],
      created: true,
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
    const brand = await slice({ entityType: 'brand', entityId: 'S1', version: 1, mode: 'FULL' });
    expect([brand.status, brand.body]).toEqual([200, sliceReport({ entityKey: 'brand#S1', version: 1, mode: 'FULL', written: ['BRAND_CORE'] })]);
    const answer = await slice({ entityType: 'product', entityId: 'P1', version: 1, mode: 'FULL' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(
      sliceReport({
        entityKey: 'product#P1',
        version: 1,
        mode: 'FULL',
        written: ALL_PRODUCT_SLICES,
        index: { added: ['IDX#brand#S1#product', 'IDX#category#C1#product'], removed: [] },
      }),
    );
    const again = await slice({ entityType: 'product', entityId: 'P1', version: 1, mode: 'FULL' });
    expect(again.body).toEqual(sliceReport({ entityKey: 'product#P1', version: 1, mode: 'FULL', unchanged: ALL_PRODUCT_SLICES }));

    const slices = await api.request('GET', `${base}/slices/product/P1`);
    expect(slices.status).toBe(200);
    expect(slices.body).toEqual({
      version: 1,
      slices: {
        PRODUCT_BRAND_ENRICHED: effective(1, { sku: 'P1', brand_id: 'S1', brand_name: 'Acme' }),
        PRODUCT_CORE: effective(1, { sku: 'P1', name: 'Product P1', status: 'ACTIVE', brand_id: 'S1', category_ids: ['C1'] }),
        PRODUCT_PRICE: effective(1, { price: 1000, currency: 'KRW' }),
      },
    });
    const view = await api.request('GET', `${base}/views/product-detail/P1`);
    expect(view.status).toBe(200);
    expect(view.body).toEqual(productView('P1', 1));
  });

  it('INCREMENTAL defaults fromVersion to the newest sliced version; cutover: false keeps the active version', async () => {
    await put('product', 'P2', 1, productDoc('P2', 'S1'));
    await slice({ entityType: 'product', entityId: 'P2', version: 1, mode: 'INCREMENTAL' });
    await put('product', 'P2', 2, productDoc('P2', 'S1', { price: 2500 }));
    const answer = await slice({ entityType: 'product', entityId: 'P2', version: 2, mode: 'INCREMENTAL', cutover: false });
    expect(answer.body).toEqual(
      sliceReport({
        entityKey: 'product#P2',
        version: 2,
        mode: 'INCREMENTAL',
        fromVersion: 1,
        written: ['PRODUCT_PRICE'],
        cutover: false,
        cutoverSkipped: { reason: 'NOT_REQUESTED', message: 'cutover: false was requested, so version 1 stays active' },
        activeVersion: 1,
      }),
    );
    expect((await api.request('GET', `${base}/views/product-detail/P2`)).body).toEqual(productView('P2', 1));
    expect((await api.request('GET', `${base}/views/product-detail/P2?version=2`)).body).toEqual(productView('P2', 2, { price: 2500 }));
    // Slices default to the newest raw version, whatever the active version is; each one is the newest at or below it.
    const core = effective(1, { sku: 'P2', name: 'Product P2', status: 'ACTIVE', brand_id: 'S1', category_ids: ['C1'] });
    const enriched = effective(1, { sku: 'P2', brand_id: 'S1', brand_name: 'Acme' });
    expect((await api.request('GET', `${base}/slices/product/P2`)).body).toEqual({
      version: 2,
      slices: { PRODUCT_BRAND_ENRICHED: enriched, PRODUCT_CORE: core, PRODUCT_PRICE: effective(2, { price: 2500, currency: 'KRW' }) },
    });
    expect((await api.request('GET', `${base}/slices/product/P2?version=1`)).body).toEqual({
      version: 1,
      slices: { PRODUCT_BRAND_ENRICHED: enriched, PRODUCT_CORE: core, PRODUCT_PRICE: effective(1, { price: 1000, currency: 'KRW' }) },
    });
    const cutover = await slice({ entityType: 'product', entityId: 'P2', version: 2, mode: 'INCREMENTAL', fromVersion: 1 });
    expect(cutover.body).toEqual(sliceReport({ entityKey: 'product#P2', version: 2, mode: 'INCREMENTAL', fromVersion: 1, unchanged: ['PRODUCT_PRICE'] }));
    expect((await api.request('GET', `${base}/views/product-detail/P2`)).body).toEqual(productView('P2', 2, { price: 2500 }));
  });

  it('reports a deleted product’s slices as tombstones and its view as gone', async () => {
    await put('product', 'P3', 1, productDoc('P3', 'S1'));
    await slice({ entityType: 'product', entityId: 'P3', version: 1, mode: 'FULL' });
    await api.request('DELETE', rawPath('product', 'P3', 2));
    const answer = await slice({ entityType: 'product', entityId: 'P3', version: 2, mode: 'INCREMENTAL' });
    expect(answer.body).toEqual(
      sliceReport({
        entityKey: 'product#P3',
        version: 2,
        mode: 'INCREMENTAL',
        fromVersion: 1,
        tombstoned: ALL_PRODUCT_SLICES,
        index: { added: [], removed: ['IDX#brand#S1#product', 'IDX#category#C1#product'] },
      }),
    );
    expect((await api.request('GET', `${base}/slices/product/P3`)).body).toEqual({
      version: 2,
      slices: { PRODUCT_BRAND_ENRICHED: effective(2, null), PRODUCT_CORE: effective(2, null), PRODUCT_PRICE: effective(2, null) },
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
    await new SlicingEngine(api.registry, api.stores).rebuild(TENANT, 'product#P5', 1, ['PRODUCT_CORE'], { cutover: true });
    const missing = await api.request('GET', `${base}/views/product-detail/P5`);
    expect(missing).toMatchObject({
      status: 409,
      body: { error: { code: 'SLICE_MISSING', details: [{ path: 'PRODUCT_PRICE' }, { path: 'PRODUCT_BRAND_ENRICHED' }] } },
    });
  });
});
