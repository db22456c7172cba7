import { type Client } from '@opensearch-project/opensearch';
import { type OpenSearchTestServer } from './server';
import { responseError, rootCause, serverAndClient } from './spec-support';

let server: OpenSearchTestServer;
let client: Client;
beforeAll(async () => ({ server, client } = await serverAndClient()));
afterAll(() => server.close());
beforeEach(async () => {
  server.reset();
  await client.indices.create({ index: 'products', body: { mappings: { properties: { sku: { type: 'keyword' }, price: { type: 'long' } } } } });
});

type ItemResult = { _index: string; _id: string | null; status: number; result?: string; error?: { type: string; reason: string } };
type Item = Record<string, ItemResult>;
const resultOf = (item: Item) => Object.values(item)[0] as ItemResult;

describe('_bulk', () => {
  it('answers every item in request order, deletes and index operations mixed, failures in place', async () => {
    await client.bulk({ body: [{ index: { _index: 'products', _id: 'A' } }, { sku: 'A' }], refresh: true });
    server.faults.failItems((item) => (item.id === 'C' ? { status: 429, type: 'rejected_execution_exception', reason: 'queue full' } : undefined));
    const response = await client.bulk({
      body: [
        { delete: { _index: 'products', _id: 'missing' } },
        { index: { _index: 'products', _id: 'B' } },
        { sku: 'B', price: 1 },
        { index: { _index: 'products', _id: 'C' } },
        { sku: 'C' },
        { delete: { _index: 'products', _id: 'A' } },
        { create: { _index: 'products', _id: 'D' } },
        { sku: 'D', price: 'cheap' },
        { index: { _index: 'elsewhere', _id: 'E' } },
        { sku: 'E' },
        { delete: { _index: 'elsewhere-too', _id: 'F' } },
        { create: { _index: 'products', _id: 'G' } },
        { sku: 'G' },
      ],
    });
    expect(response.statusCode).toBe(200);
    expect(response.body.errors).toBe(true);
    const items = response.body.items as unknown as Item[];
    expect(items.map((item) => Object.keys(item)[0])).toEqual(['delete', 'index', 'index', 'delete', 'create', 'index', 'delete', 'create']);
    expect(items.map(resultOf).map(({ _id, status, result, error }) => [_id, status, result ?? error?.type])).toEqual([
      ['missing', 404, 'not_found'],
      ['B', 201, 'created'],
      ['C', 429, 'rejected_execution_exception'],
      ['A', 200, 'deleted'],
      ['D', 400, 'mapper_parsing_exception'],
      ['E', 404, 'index_not_found_exception'],
      ['F', 404, 'index_not_found_exception'],
      ['G', 201, 'created'],
    ]);
    // An index operation would auto-create its index, an internal delete would not: their reasons differ.
    expect(items[5]?.['index']?.error?.reason).toBe('no such index [elsewhere] and [action.auto_create_index] is [false]');
    expect(items[6]?.['delete']?.error?.reason).toBe('no such index [elsewhere-too]');
    expect(items[1]?.['index']).toEqual({
      _index: 'products',
      _id: 'B',
      _version: 1,
      result: 'created',
      _shards: { total: 2, successful: 1, failed: 0 },
      _seq_no: 2,
      _primary_term: 1,
      status: 201,
    });
    expect(server.inspect.documents('products').map((doc) => doc._id)).toEqual(['B', 'G']);
    expect(server.inspect.requests.at(-1)).toMatchObject({ method: 'POST', path: '/_bulk', bulkLines: 13, status: 200 });
    expect(server.inspect.unsupported).toEqual([]);
  });

  it('counts a not_found delete as no error: errors stays false, the item is 404 without an error object', async () => {
    const response = await client.bulk({ body: [{ delete: { _index: 'products', _id: 'never' } }] });
    expect(response.body.errors).toBe(false);
    expect(response.body.items[0]?.delete).toEqual({
      _index: 'products',
      _id: 'never',
      _version: 1,
      result: 'not_found',
      _shards: { total: 2, successful: 1, failed: 0 },
      _seq_no: 0,
      _primary_term: 1,
      status: 404,
    });
  });

  it('takes the index from the URL, refreshes on request, and reports forced_refresh', async () => {
    const response = await client.bulk({ index: 'products', refresh: true, body: [{ index: { _id: 'A' } }, { sku: 'A' }] });
    expect(response.body.items[0]?.index).toMatchObject({ _index: 'products', forced_refresh: true, status: 201 });
    expect((await client.count({ index: 'products' })).body.count).toBe(1);
  });

  it('accepts application/json as well as application/x-ndjson', async () => {
    for (const contentType of ['application/json', 'application/x-ndjson']) {
      const response = await fetch(`${server.url}/_bulk`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: '{"index":{"_index":"products","_id":"A"}}\n{"sku":"A"}\n',
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { errors: boolean }).errors).toBe(false);
    }
    const text = await fetch(`${server.url}/_bulk`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}\n' });
    expect(text.status).toBe(406);
  });

  it('refuses a body not terminated by a newline, like the real one', async () => {
    const error = await responseError(
      client.transport.request({ method: 'POST', path: '/_bulk', bulkBody: '{"index":{"_index":"products","_id":"A"}}\n{"sku":"A"}' }),
    );
    expect(error.status).toBe(400);
    expect(rootCause(error.body)).toEqual({ type: 'illegal_argument_exception', reason: 'The bulk request must be terminated by a newline [\\n]' });
    expect(server.inspect.documents('products')).toEqual([]);
  });

  it('fails the whole request for a malformed action line or a missing index name', async () => {
    const unknownAction = await responseError(client.bulk({ body: [{ upsert: { _index: 'products', _id: 'A' } }, {}] }));
    expect(rootCause(unknownAction.body).reason).toBe(
      'Malformed action/metadata line [1], expected field [create], [delete], [index] or [update] but found [upsert]',
    );
    const unknownParameter = await responseError(client.bulk({ body: [{ index: { _index: 'products', _id: 'A', _type: '_doc' } }, {}] }));
    expect(rootCause(unknownParameter.body).reason).toBe('Action/metadata line [1] contains an unknown parameter [_type]');
    const noIndex = await responseError(client.bulk({ body: [{ delete: { _id: 'A' } }] }));
    expect(rootCause(noIndex.body)).toEqual({ type: 'action_request_validation_exception', reason: 'Validation Failed: 1: index is missing;' });
  });

  it('refuses update items (not implemented) and records them, the rest still applies', async () => {
    const response = await client.bulk({
      body: [
        { update: { _index: 'products', _id: 'A' } },
        { doc: { sku: 'A' }, doc_as_upsert: true },
        { index: { _index: 'products', _id: 'B' } },
        { sku: 'B' },
      ],
    });
    const items = response.body.items as unknown as Item[];
    expect(items[0]?.['update']).toMatchObject({
      status: 400,
      error: { type: 'illegal_argument_exception', reason: expect.stringContaining('not supported by the OpenSearch test server') },
    });
    expect(items[1]?.['index']?.status).toBe(201);
    expect(server.inspect.unsupported).toEqual([{ method: 'POST', path: '/_bulk', reason: 'bulk [update] action for [products][A]' }]);
  });

  it('writes through an alias to its write index, and generates ids when none is given', async () => {
    await client.indices.updateAliases({ body: { actions: [{ add: { index: 'products', alias: 'catalog' } }] } });
    const response = await client.bulk({ body: [{ index: { _index: 'catalog' } }, { sku: 'X' }] });
    const item = (response.body.items as unknown as Item[])[0]?.['index'];
    expect(item).toMatchObject({ _index: 'products', status: 201 });
    expect(item?._id).toMatch(/^[\w-]{20}$/);
  });
});
