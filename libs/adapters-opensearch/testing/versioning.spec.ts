import { type Client } from '@opensearch-project/opensearch';
import { type OpenSearchTestServer } from './server';
import { type ManualClock, serverAndClient } from './spec-support';

let server: OpenSearchTestServer;
let client: Client;
let clock: ManualClock;
beforeAll(async () => ({ server, client, clock } = await serverAndClient()));
afterAll(() => server.close());
beforeEach(() => server.reset());

type Op = { action: 'index' | 'delete' | 'create'; id: string; version?: number; versionType?: 'external' | 'external_gte'; doc?: Record<string, unknown> };

/** One bulk, items as the adapter would send them; returns each item's [status, result or error reason]. */
async function bulk(...ops: Op[]): Promise<[number, string][]> {
  const body = ops.flatMap((op) => {
    const meta = { _index: 'products', _id: op.id, ...(op.version === undefined ? {} : { version: op.version, version_type: op.versionType ?? 'external' }) };
    return op.action === 'delete' ? [{ delete: meta }] : [{ [op.action]: meta }, op.doc ?? { sku: op.id }];
  });
  const response = await client.bulk({ body });
  return response.body.items.map((item) => {
    const result = Object.values(item)[0] as { status: number; result?: string; error?: { reason: string } };
    return [result.status, result.error?.reason ?? result.result ?? ''];
  });
}

async function createIndex(settings: Record<string, unknown> = {}): Promise<void> {
  await client.indices.create({ index: 'products', body: { settings } });
}

describe('versioning, as VersionType and InternalEngine decide', () => {
  it('external: a write conflicts unless its version is strictly higher', async () => {
    await createIndex();
    expect(await bulk({ action: 'index', id: 'P1', version: 5 })).toEqual([[201, 'created']]);
    expect(await bulk({ action: 'index', id: 'P1', version: 5 }, { action: 'index', id: 'P1', version: 3 }, { action: 'index', id: 'P1', version: 6 })).toEqual(
      [
        [409, '[P1]: version conflict, current version [5] is higher or equal to the one provided [5]'],
        [409, '[P1]: version conflict, current version [5] is higher or equal to the one provided [3]'],
        [200, 'updated'],
      ],
    );
    expect(server.inspect.documents('products')).toEqual([{ _id: 'P1', _version: 6, _seq_no: 1, _primary_term: 1, _source: { sku: 'P1' } }]);
  });

  it('external_gte: an equal version is accepted, a lower one conflicts with its own reason', async () => {
    await createIndex();
    await bulk({ action: 'index', id: 'P1', version: 5 });
    expect(
      await bulk(
        { action: 'index', id: 'P1', version: 5, versionType: 'external_gte' },
        { action: 'index', id: 'P1', version: 4, versionType: 'external_gte' },
      ),
    ).toEqual([
      [200, 'updated'],
      [409, '[P1]: version conflict, current version [5] is higher than the one provided [4]'],
    ]);
  });

  it('a conflict carries the shard metadata OpenSearch adds', async () => {
    await createIndex();
    await bulk({ action: 'index', id: 'P1', version: 2 });
    const response = await client.bulk({ body: [{ index: { _index: 'products', _id: 'P1', version: 1, version_type: 'external' } }, { sku: 'P1' }] });
    expect(response.body.errors).toBe(true);
    expect(response.body.items[0]?.index).toEqual({
      _index: 'products',
      _id: 'P1',
      status: 409,
      error: {
        type: 'version_conflict_engine_exception',
        reason: '[P1]: version conflict, current version [2] is higher or equal to the one provided [1]',
        index: 'products',
        shard: '0',
        index_uuid: expect.any(String),
      },
    });
  });

  it('internal versions count up, create refuses a live document, a delete then a create starts above the tombstone', async () => {
    await createIndex();
    expect(await bulk({ action: 'index', id: 'A' }, { action: 'index', id: 'A' }, { action: 'create', id: 'A' })).toEqual([
      [201, 'created'],
      [200, 'updated'],
      [409, '[A]: version conflict, document already exists (current version [2])'],
    ]);
    expect(await bulk({ action: 'delete', id: 'A' }, { action: 'create', id: 'A' })).toEqual([
      [200, 'deleted'],
      [201, 'created'],
    ]);
    expect(server.inspect.documents('products')[0]?._version).toBe(4);
  });

  it('a delete of a missing document is not_found (404) yet leaves a tombstone at the version given', async () => {
    await createIndex();
    expect(await bulk({ action: 'delete', id: 'ghost', version: 7 })).toEqual([[404, 'not_found']]);
    expect(server.inspect.tombstones('products')).toEqual([{ _id: 'ghost', _version: 7, deletedAt: clock.now() }]);
    expect(await bulk({ action: 'index', id: 'ghost', version: 6 })).toEqual([
      [409, '[ghost]: version conflict, current version [7] is higher or equal to the one provided [6]'],
    ]);
    expect(await bulk({ action: 'index', id: 'ghost', version: 8 })).toEqual([[201, 'created']]);
  });

  it('the trap: a tombstone blocks a stale write until gc_deletes has passed, then the document comes back', async () => {
    await createIndex({ index: { gc_deletes: '60s' } });
    await bulk({ action: 'index', id: 'P1', version: 3, doc: { sku: 'P1', title: 'new' } });
    expect(await bulk({ action: 'delete', id: 'P1', version: 4 })).toEqual([[200, 'deleted']]);

    clock.advance(60_000); // exactly gc_deletes: still remembered (forgotten only once strictly older)
    expect(await bulk({ action: 'index', id: 'P1', version: 2, doc: { sku: 'P1', title: 'stale' } })).toEqual([
      [409, '[P1]: version conflict, current version [4] is higher or equal to the one provided [2]'],
    ]);

    clock.advance(1);
    expect(server.inspect.tombstones('products')).toEqual([]);
    expect(await bulk({ action: 'index', id: 'P1', version: 2, doc: { sku: 'P1', title: 'stale' } })).toEqual([[201, 'created']]);
    expect(server.inspect.documents('products')).toEqual([{ _id: 'P1', _version: 2, _seq_no: 2, _primary_term: 1, _source: { sku: 'P1', title: 'stale' } }]);
  });

  it('gc_deletes is dynamic and read when the version is looked up', async () => {
    await createIndex();
    await bulk({ action: 'delete', id: 'P1', version: 10 });
    clock.advance(120_000); // past the 60s default…
    await client.indices.putSettings({ index: 'products', body: { index: { gc_deletes: '1h' } } });
    // …but the longer setting now applies to the tombstone already there
    expect(await bulk({ action: 'index', id: 'P1', version: 9 })).toEqual([
      [409, '[P1]: version conflict, current version [10] is higher or equal to the one provided [9]'],
    ]);
    clock.advance(3_600_000);
    expect(await bulk({ action: 'index', id: 'P1', version: 9 })).toEqual([[201, 'created']]);
  });

  it('single-document APIs follow the same rules', async () => {
    await createIndex();
    const put = await client.index({ index: 'products', id: 'P1', version: 3, version_type: 'external', body: { sku: 'P1' } });
    expect(put.statusCode).toBe(201);
    expect(put.body).toMatchObject({ _index: 'products', _id: 'P1', _version: 3, result: 'created', _seq_no: 0, _primary_term: 1 });
    await expect(client.index({ index: 'products', id: 'P1', version: 3, version_type: 'external', body: { sku: 'P1' } })).rejects.toMatchObject({
      meta: { statusCode: 409, body: { error: { type: 'version_conflict_engine_exception' }, status: 409 } },
    });
    const removed = await client.delete({ index: 'products', id: 'P1', version: 4, version_type: 'external' });
    expect(removed.body).toMatchObject({ result: 'deleted', _version: 4 });
    await expect(client.delete({ index: 'products', id: 'P1' })).rejects.toMatchObject({
      meta: { statusCode: 404, body: { result: 'not_found', _version: 5 } },
    });
  });

  it('refuses what OpenSearch validation refuses, for the whole request', async () => {
    await createIndex();
    await expect(client.bulk({ body: [{ index: { _index: 'products', _id: 'P1', version: 2 } }, { sku: 'P1' }] })).rejects.toMatchObject({
      meta: {
        statusCode: 400,
        body: {
          error: {
            type: 'action_request_validation_exception',
            reason:
              'Validation Failed: 1: internal versioning can not be used for optimistic concurrency control. Please use `if_seq_no` and `if_primary_term` instead;',
          },
        },
      },
    });
    await expect(
      client.bulk({ body: [{ create: { _index: 'products', _id: 'P1', version: 2, version_type: 'external' } }, { sku: 'P1' }] }),
    ).rejects.toMatchObject({
      meta: { statusCode: 400, body: { error: { reason: 'Validation Failed: 1: create operations only support internal versioning. use index instead;' } } },
    });
    expect(server.inspect.documents('products')).toEqual([]);
  });
});
