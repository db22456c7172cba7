import { brandDoc, productDoc, rawPath, TENANT } from './testing/http-harness';
import { useTestApi } from './testing/use-test-api';

/**
 * What one product costs in DynamoDB requests through the HTTP API (its brand already sliced).
 * Budgets (issue 6): a new product (ingest + first slicing) ≤ 10, a price edit ≤ 7, a view ≤ 2.
 *
 * PUT raw, new version (2): UpdateItem of the entity's head, conditional on its version being
 *   older (the atomic "newer than the latest" decision; it returns the old head) · BatchWriteItem
 *   of the record (and of the previous version's record again, which the head held last).
 * PUT raw, identical replay (2): UpdateItem refused by its condition · GetItem of the record (same hash).
 * PUT raw, schema violation (0): refused before any request.
 * POST slicing INCREMENTAL of version 1 (8): GetItem the head (raw v1 and the slicing state) ·
 *   change set 0→1: PutItem · rebuild: BatchGetItem the brand's head (join) · BatchWriteItem
 *   (2 index entries) · PutItem × 3 (one conditional put per slice) · UpdateItem of the head
 *   committing the slice set and the cutover together.
 * POST slicing INCREMENTAL of a price edit 1→2 (5): GetItem the head (raw v2; sliced at 1) ·
 *   GetItem raw v1 (the diff's base) · change set PutItem · PutItem PRICE@2 (the other slices stay
 *   those of version 1, named by the slice set) · UpdateItem commit + cutover.
 * GET view (2): GetItem the head (the active slice set names each slice's key) · BatchGetItem of those slices.
 * POST deploys, one new product, compile sync (11): BatchGetItem of the heads (every version rule
 *   checked before the first write) · the ingest (2) · the first slicing (8), which is handed the
 *   record the request just stored instead of reading it back.
 */
const COST = {
  ingest: { BatchWriteItem: 1, UpdateItem: 1 },
  replay: { GetItem: 1, UpdateItem: 1 },
  rejected: {},
  sliceFirst: { BatchGetItem: 1, BatchWriteItem: 1, GetItem: 1, PutItem: 4, UpdateItem: 1 },
  slicePriceEdit: { GetItem: 2, PutItem: 2, UpdateItem: 1 },
  view: { BatchGetItem: 1, GetItem: 1 },
  deployFirst: { BatchGetItem: 2, BatchWriteItem: 2, GetItem: 1, PutItem: 4, UpdateItem: 2 },
};

const total = (cost: Record<string, number>): number => Object.values(cost).reduce((a, b) => a + b, 0);

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
  it('stays within budget: a new product 2 + 8 ≤ 10, a price edit 2 + 5 ≤ 7, a view 2', async () => {
    expect(total(COST.ingest) + total(COST.sliceFirst)).toBeLessThanOrEqual(10);
    expect(total(COST.ingest) + total(COST.slicePriceEdit)).toBeLessThanOrEqual(7);
    expect(total(COST.view)).toBeLessThanOrEqual(2);
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

  it('a sync deploy of a new product costs its precheck, its ingest and its first slicing: 1 + 2 + 8', async () => {
    const body = { records: [{ entityType: 'product', entityId: 'P9', version: 1, data: productDoc('P9', 'B1') }] };
    expect(await cost(200, () => api.request('POST', `/v1/tenants/${TENANT}/deploys`, { body }))).toEqual(COST.deployFirst);
    expect(total(COST.deployFirst)).toBe(1 + total(COST.ingest) + total(COST.sliceFirst));
  });
});
