import { type Client } from '@opensearch-project/opensearch';
import { type OpenSearchTestServer } from './server';
import { type ManualClock, responseError, rootCause, serverAndClient } from './spec-support';

let server: OpenSearchTestServer;
let client: Client;
let clock: ManualClock;
beforeAll(async () => ({ server, client, clock } = await serverAndClient()));
afterAll(() => server.close());
beforeEach(() => server.reset());

const ids = (body: { hits: { hits: { _id?: string }[] } }) => body.hits.hits.map((hit) => hit._id);

describe('near-real-time search', () => {
  it('sees a write only after a refresh: scheduled every refresh_interval on the clock, or asked for', async () => {
    await client.indices.create({ index: 'products' });
    await client.index({ index: 'products', id: 'P1', body: { sku: 'P1' } });
    expect((await client.count({ index: 'products' })).body.count).toBe(0);
    // GET by id is realtime
    expect((await client.get({ index: 'products', id: 'P1' })).body).toMatchObject({ found: true, _version: 1, _source: { sku: 'P1' } });
    clock.advance(999);
    expect((await client.count({ index: 'products' })).body.count).toBe(0);
    clock.advance(1);
    expect((await client.count({ index: 'products' })).body.count).toBe(1);

    // A write after the last scheduled refresh waits for the next one.
    clock.advance(500);
    await client.delete({ index: 'products', id: 'P1' });
    clock.advance(400);
    expect((await client.count({ index: 'products' })).body.count).toBe(1);
    clock.advance(100);
    expect((await client.count({ index: 'products' })).body.count).toBe(0);
  });

  it('with refresh_interval -1 only _refresh and ?refresh make writes visible', async () => {
    await client.indices.create({ index: 'products', body: { settings: { index: { refresh_interval: '-1' } } } });
    await client.index({ index: 'products', id: 'P1', body: { sku: 'P1' } });
    clock.advance(3_600_000);
    expect((await client.search({ index: 'products' })).body.hits.total).toEqual({ value: 0, relation: 'eq' });
    await client.indices.refresh({ index: 'products' });
    expect((await client.search({ index: 'products' })).body.hits.total).toEqual({ value: 1, relation: 'eq' });
    await client.index({ index: 'products', id: 'P2', body: { sku: 'P2' }, refresh: 'wait_for' });
    await client.bulk({ body: [{ index: { _index: 'products', _id: 'P3' } }, { sku: 'P3' }], refresh: 'true' });
    expect((await client.count({ index: 'products' })).body.count).toBe(3);
  });

  it('a search-idle index (no search for 30s, interval not set) refreshes on the next search', async () => {
    await client.indices.create({ index: 'products' });
    clock.advance(30_000);
    await client.index({ index: 'products', id: 'P1', body: { sku: 'P1' } });
    expect((await client.count({ index: 'products' })).body.count).toBe(1);
  });
});

describe('queries', () => {
  beforeEach(async () => {
    await client.indices.create({
      index: 'products',
      body: {
        mappings: {
          properties: {
            sku: { type: 'keyword' },
            title: { type: 'text', fields: { raw: { type: 'keyword' } } },
            price: { type: 'long' },
            active: { type: 'boolean' },
            tenant: { type: 'keyword' },
            attributes: { type: 'flat_object' },
          },
        },
        aliases: { 'acme-products': { filter: { term: { tenant: 'acme' } } } },
      },
    });
    const docs = [
      { sku: 'P1', title: 'Red running shoe', price: 50, active: true, tenant: 'acme', attributes: { colour: 'red' } },
      { sku: 'P2', title: 'Blue running shoe', price: 70, active: false, tenant: 'acme' },
      { sku: 'P3', title: 'Red hat', price: 20, active: true, tenant: 'globex', attributes: { colour: 'red' } },
      { sku: 'P4', title: 'Green scarf', active: true, tenant: 'acme' },
    ];
    await client.bulk({ refresh: true, body: docs.flatMap((doc) => [{ index: { _index: 'products', _id: doc.sku } }, doc]) });
  });

  const search = async (query: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    (await client.search({ index: 'products', body: { query, sort: [{ sku: 'asc' }], ...extra } })).body;

  it('term, terms, ids, match, exists, range and flat_object keys', async () => {
    expect(ids(await search({ term: { sku: 'P2' } }))).toEqual(['P2']);
    expect(ids(await search({ term: { sku: 'p2' } }))).toEqual([]);
    expect(ids(await search({ term: { sku: { value: 'p2', case_insensitive: true } } }))).toEqual(['P2']);
    expect(ids(await search({ terms: { sku: ['P1', 'P3', 'P9'] } }))).toEqual(['P1', 'P3']);
    expect(ids(await search({ ids: { values: ['P4', 'P1'] } }))).toEqual(['P1', 'P4']);
    expect(ids(await search({ match: { title: 'RED shoe' } }))).toEqual(['P1', 'P2', 'P3']);
    expect(ids(await search({ match: { title: { query: 'red shoe', operator: 'and' } } }))).toEqual(['P1']);
    expect(ids(await search({ term: { title: 'Red' } }))).toEqual([]); // text is indexed lower-cased, term does not analyse
    expect(ids(await search({ match: { 'title.raw': 'Red hat' } }))).toEqual(['P3']);
    expect(ids(await search({ exists: { field: 'price' } }))).toEqual(['P1', 'P2', 'P3']);
    expect(ids(await search({ range: { price: { gte: 20, lt: 70 } } }))).toEqual(['P1', 'P3']);
    expect(ids(await search({ term: { active: 'false' } }))).toEqual(['P2']);
    expect(ids(await search({ term: { 'attributes.colour': 'red' } }))).toEqual(['P1', 'P3']);
    expect(ids(await search({ term: { unmapped: 'x' } }))).toEqual([]);
  });

  it('bool with must, filter, should (minimum_should_match) and must_not', async () => {
    const query = {
      bool: {
        filter: [{ term: { active: true } }],
        should: [{ match: { title: 'red' } }, { match: { title: 'scarf' } }, { range: { price: { lte: 20 } } }],
        minimum_should_match: 1,
        must_not: { term: { tenant: 'globex' } },
      },
    };
    expect(ids(await search(query))).toEqual(['P1', 'P4']);
    expect(ids(await search({ ...query, bool: { ...query.bool, minimum_should_match: 2, must_not: [] } }))).toEqual(['P3']);
    expect(ids(await search({ bool: { must: [{ match: { title: 'shoe' } }], should: [{ term: { sku: 'nope' } }] } }))).toEqual(['P1', 'P2']);
  });

  it('a filtered alias ANDs its filter', async () => {
    const { body } = await client.search({ index: 'acme-products', body: { query: { match: { title: 'red' } } } });
    expect(ids(body)).toEqual(['P1']);
    expect((await client.count({ index: 'acme-products' })).body.count).toBe(3);
  });

  it('sorts, pages, counts and filters _source', async () => {
    const sorted = (await client.search({ index: 'products', body: { sort: [{ price: { order: 'desc' } }], size: 2, from: 1, _source: ['sku'] } })).body;
    expect(sorted.hits.total).toEqual({ value: 4, relation: 'eq' });
    expect(sorted.hits.max_score).toBeNull();
    expect(sorted.hits.hits).toEqual([
      { _index: 'products', _id: 'P1', _score: null, _source: { sku: 'P1' }, sort: [50] },
      { _index: 'products', _id: 'P3', _score: null, _source: { sku: 'P3' }, sort: [20] },
    ]);
    const last = (await client.search({ index: 'products', body: { sort: [{ price: 'asc' }], from: 3, size: 1, _source: false } })).body;
    expect(last.hits.hits).toEqual([{ _index: 'products', _id: 'P4', _score: null, sort: [null] }]); // missing sorts last
    const capped = (await client.search({ index: 'products', body: { track_total_hits: 2, size: 0 } })).body;
    expect(capped.hits).toEqual({ total: { value: 2, relation: 'gte' }, max_score: null, hits: [] });
    const versions = (await client.search({ index: 'products', body: { query: { ids: { values: ['P1'] } }, version: true, seq_no_primary_term: true } })).body;
    expect(versions.hits.hits[0]).toMatchObject({ _id: 'P1', _version: 1, _seq_no: 0, _primary_term: 1, _score: 1 });
  });

  it('refuses a sort on a text field or an unmapped field as OpenSearch does', async () => {
    const text = await responseError(client.search({ index: 'products', body: { sort: ['title'] } }));
    expect(text.status).toBe(400);
    expect((text.body['error'] as { type: string }).type).toBe('search_phase_execution_exception');
    expect(rootCause(text.body)).toEqual({ type: 'illegal_argument_exception', reason: expect.stringMatching(/^Text fields are not optimised/) });
    const unmapped = await responseError(client.search({ index: 'products', body: { sort: ['nope'] } }));
    expect(rootCause(unmapped.body)).toEqual({ type: 'query_shard_exception', reason: 'No mapping found for [nope] in order to sort on' });
    expect(server.inspect.unsupported).toEqual([]);
  });

  it('refuses, and records, queries and search features it does not implement', async () => {
    const wildcard = await responseError(client.search({ index: 'products', body: { query: { wildcard: { sku: 'P*' } } } }));
    expect(rootCause(wildcard.body)).toEqual({ type: 'parsing_exception', reason: '[wildcard] query (not supported by the OpenSearch test server)' });
    await responseError(client.transport.request({ method: 'POST', path: '/products/_search', body: { aggs: { by_tenant: { terms: { field: 'tenant' } } } } }));
    await responseError(client.search({ index: 'products', body: { query: { match: { title: { query: 'red', fuzziness: 'AUTO' } } } } }));
    expect(server.inspect.unsupported.map((entry) => entry.reason)).toEqual([
      '[wildcard] query (not supported by the OpenSearch test server)',
      'search request key [aggs] (not supported by the OpenSearch test server)',
      '[match] query parameter [fuzziness] (not supported by the OpenSearch test server)',
    ]);
  });
});
