import { brandDoc, productDoc, rawPath, TENANT } from './testing/http-harness';
import { useTestApi } from './testing/use-test-api';

/**
 * What one product costs in DynamoDB requests through the HTTP API (its brand already sliced).
 *
 * PUT raw, new version (3): GetItem the same version (replay check) · Query the latest
 *   (regression check) · PutItem conditional.
 * PUT raw, identical replay (1): GetItem the same version.
 * PUT raw, schema violation (0): refused before any request.
 * POST slicing INCREMENTAL of version 1 (13): no base-version lookup (nothing precedes 1);
 *   change set 0→1: GetItem (stored?) · GetItem raw v1 · PutItem; rebuild: GetItem raw v1 ·
 *   Query × 3 (effective slice per type) · Query the brand's latest (join) · BatchWriteItem
 *   (2 index entries) · PutItem × 3 (one conditional put per slice); cutover: PutItem.
 * POST slicing INCREMENTAL of a price edit v1→v2 (9): Query the newest version below 2 (base); change set:
 *   GetItem (stored?) · GetItem v1 · GetItem v2 · PutItem; rebuild of PRODUCT_PRICE only:
 *   GetItem v2 · Query × 1 · PutItem; cutover: PutItem.
 * GET view (4): GetItem the active version · Query × 3 (effective slice per view slice).
 */
const COST = {
  ingest: { GetItem: 1, PutItem: 1, Query: 1 },
  replay: { GetItem: 1 },
  rejected: {},
  sliceFirst: { BatchWriteItem: 1, GetItem: 3, PutItem: 5, Query: 4 },
  slicePriceEdit: { GetItem: 4, PutItem: 3, Query: 2 },
  view: { GetItem: 1, Query: 3 },
};

const api = useTestApi();
beforeAll(async () => {
  await api.request('PUT', rawPath('brand', 'B1', 1), { body: brandDoc('B1', 'Acme') });
  await api.request('POST', `/v1/tenants/${TENANT}/slicing`, { body: { entityType: 'brand', entityId: 'B1', version: 1, mode: 'FULL' } });
});

/** The requests one step sent, by operation, after checking it answered `status`. */
async function cost(status: number, step: () => Promise<{ status: number }>): Promise<Record<string, number>> {
  api.counter.reset();
  expect((await step()).status).toBe(status);
  return { ...api.counter.snapshot() };
}

const slicing = (version: number) =>
  api.request('POST', `/v1/tenants/${TENANT}/slicing`, { body: { entityType: 'product', entityId: 'P1', version, mode: 'INCREMENTAL' } });

describe('DynamoDB requests per HTTP call (fixed and documented above)', () => {
  it('ingesting and slicing one product costs 3 + 13 requests; an edit 3 + 9', async () => {
    expect(await cost(422, () => api.request('PUT', rawPath('product', 'P1', 1), { body: { sku: 'P1' } }))).toEqual(COST.rejected);
    expect(await cost(201, () => api.request('PUT', rawPath('product', 'P1', 1), { body: productDoc('P1', 'B1') }))).toEqual(COST.ingest);
    expect(await cost(200, () => slicing(1))).toEqual(COST.sliceFirst);
    expect(await cost(200, () => api.request('PUT', rawPath('product', 'P1', 1), { body: productDoc('P1', 'B1') }))).toEqual(COST.replay);
    expect(await cost(201, () => api.request('PUT', rawPath('product', 'P1', 2), { body: productDoc('P1', 'B1', { price: 5 }) }))).toEqual(COST.ingest);
    expect(await cost(200, () => slicing(2))).toEqual(COST.slicePriceEdit);
    expect(await cost(200, () => api.request('GET', `/v1/tenants/${TENANT}/views/product-detail/P1`))).toEqual(COST.view);
  });

  it('never issues a Scan, not even for a brand rename fanning out', async () => {
    api.counter.reset();
    await api.request('PUT', rawPath('brand', 'B1', 2), { body: brandDoc('B1', 'Acme 2') });
    const rename = await api.request('POST', `/v1/tenants/${TENANT}/slicing`, {
      body: { entityType: 'brand', entityId: 'B1', version: 2, mode: 'INCREMENTAL' },
    });
    expect(rename.body).toMatchObject({ fanout: ['product#P1'] });
    expect(api.counter.total()).toBeGreaterThan(0);
    expect(api.counter.count('Scan')).toBe(0);
  });
});
