import { Client, errors } from '@opensearch-project/opensearch';
import { type OpenSearchTestServer, startOpenSearchTestServer } from './server';
import { responseError, rootCause, serverAndClient } from './spec-support';

let server: OpenSearchTestServer;
let client: Client;
beforeAll(async () => ({ server, client } = await serverAndClient()));
afterAll(() => server.close());
beforeEach(async () => {
  server.reset();
  await client.indices.create({ index: 'products' });
});

const bulkOne = (id: string) => client.bulk({ body: [{ index: { _index: 'products', _id: id } }, { sku: id }] });

describe('faults', () => {
  it('answers the next matching requests with 429 rejected_execution_exception, then behaves again', async () => {
    server.faults.failNextRequests(2, 429, { path: '/_bulk', method: 'POST' });
    expect((await client.count({ index: 'products' })).statusCode).toBe(200); // not matched, not consumed
    for (const id of ['A', 'B']) {
      const error = await responseError(bulkOne(id));
      expect(error.status).toBe(429);
      expect(rootCause(error.body).type).toBe('rejected_execution_exception');
    }
    expect((await bulkOne('C')).body.errors).toBe(false);
    expect(server.inspect.documents('products').map((doc) => doc._id)).toEqual(['C']);
    expect(server.inspect.requests.filter((r) => r.path === '/_bulk').map((r) => [r.status, r.answeredBy])).toEqual([
      [429, 'fault'],
      [429, 'fault'],
      [200, undefined],
    ]);
  });

  it('answers 5xx with the status asked for, matching a path by RegExp', async () => {
    server.faults.failNextRequests(1, 503, { path: /_search$/ });
    const error = await responseError(client.search({ index: 'products' }));
    expect(error.status).toBe(503);
    expect((await client.search({ index: 'products' })).statusCode).toBe(200);
  });

  it("outage 'refuse' drops every connection: the client sees a ConnectionError; restore() ends it", async () => {
    server.faults.outage('refuse');
    await expect(bulkOne('A')).rejects.toBeInstanceOf(errors.ConnectionError);
    server.faults.restore();
    expect((await bulkOne('A')).statusCode).toBe(200);
  });

  it('outage 503 answers every request 503 (the client retries 503 before giving up)', async () => {
    const retrying = new Client({ node: server.url, maxRetries: 2 });
    server.faults.outage(503);
    const error = await responseError(retrying.search({ index: 'products' }));
    expect(error.status).toBe(503);
    expect(server.inspect.requests.filter((r) => r.answeredBy === 'outage')).toHaveLength(3);
    server.faults.restore();
    expect((await retrying.search({ index: 'products' })).statusCode).toBe(200);
    await retrying.close();
  });

  it('restore() also clears item faults', async () => {
    server.faults.failItems(() => ({ status: 500, type: 'internal_server_error', reason: 'boom' }));
    expect((await bulkOne('A')).body.errors).toBe(true);
    server.faults.restore();
    expect((await bulkOne('A')).body.errors).toBe(false);
  });
});

describe('basic auth', () => {
  it('answers 401 without or with wrong credentials', async () => {
    const secured = await startOpenSearchTestServer({ auth: { username: 'admin', password: 's3cret' } });
    try {
      const anonymous = new Client({ node: secured.url, maxRetries: 0 });
      expect((await responseError(anonymous.info())).status).toBe(401);
      const wrong = new Client({ node: secured.url, maxRetries: 0, auth: { username: 'admin', password: 'nope' } });
      expect((await responseError(wrong.info())).status).toBe(401);
      const right = new Client({ node: secured.url, maxRetries: 0, auth: { username: 'admin', password: 's3cret' } });
      expect((await right.info()).statusCode).toBe(200);
    } finally {
      await secured.close();
    }
  });
});

describe('what the test server does not implement', () => {
  it('is refused loudly and recorded: routes, wrong methods, parameters, query features', async () => {
    const unknownRoute = await responseError(client.transport.request({ method: 'GET', path: '/_cat/indices' }));
    expect(unknownRoute).toEqual({
      status: 400,
      body: { error: 'no handler found for uri [/_cat/indices] and method [GET] (not supported by the OpenSearch test server)' },
    });
    await responseError(client.transport.request({ method: 'POST', path: '/products/_update/P1', body: { doc: {} } }));
    expect((await responseError(client.transport.request({ method: 'DELETE', path: '/products/_search' }))).status).toBe(405);
    await responseError(client.search({ index: 'products', q: 'sku:P1' }));
    await responseError(client.indices.create({ index: 'other', body: { settings: { 'index.codec': 'best_compression' } } }));
    await responseError(client.indices.create({ index: 'other', body: { mappings: { properties: { location: { type: 'geo_point' } } } } }));
    // An API segment OpenSearch has and the test server not lands on /{index}, as on a real node for an unknown one.
    const nodes = await responseError(client.transport.request({ method: 'GET', path: '/_nodes' }));
    expect(rootCause(nodes.body)).toEqual({ type: 'index_not_found_exception', reason: 'no such index [_nodes]' });
    expect(server.inspect.unsupported.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'GET /_cat/indices',
      'POST /products/_update/P1',
      'DELETE /products/_search',
      'GET /products/_search',
      'PUT /other',
      'PUT /other',
      'GET /_nodes',
    ]);
  });

  it('accepts what the client sends compressed', async () => {
    const gzip = new Client({ node: server.url, maxRetries: 0, compression: 'gzip' });
    expect((await gzip.bulk({ body: [{ index: { _index: 'products', _id: 'A' } }, { sku: 'A' }] })).body.errors).toBe(false);
    await gzip.close();
    expect(server.inspect.unsupported).toEqual([]);
  });
});
