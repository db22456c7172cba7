import { type Client } from '@opensearch-project/opensearch';
import { type OpenSearchTestServer } from './server';
import { responseError, rootCause, serverAndClient } from './spec-support';

let server: OpenSearchTestServer;
let client: Client;
beforeAll(async () => ({ server, client } = await serverAndClient()));
afterAll(() => server.close());
beforeEach(() => server.reset());
afterEach(() => expect(server.inspect.unsupported).toEqual([]));

describe('indices', () => {
  it('creates an index once: a second create is resource_already_exists_exception', async () => {
    const created = await client.indices.create({ index: 'products-v1', body: { settings: { number_of_shards: 1 } } });
    expect(created.body).toEqual({ acknowledged: true, shards_acknowledged: true, index: 'products-v1' });
    const again = await responseError(client.indices.create({ index: 'products-v1' }));
    expect(again.status).toBe(400);
    expect(rootCause(again.body)).toEqual({
      type: 'resource_already_exists_exception',
      reason: expect.stringMatching(/^index \[products-v1\/.+\] already exists$/),
    });
    expect((await client.indices.exists({ index: 'products-v1' })).body).toBe(true);
    expect((await client.indices.exists({ index: 'nope' })).body).toBe(false);
  });

  it('validates names like OpenSearch, and an index may not take an alias name', async () => {
    for (const [name, reason] of [
      ['Products', 'Invalid index name [Products], must be lowercase'],
      ['_products', "Invalid index name [_products], must not start with '_', '-', or '+'"],
      ['pro#ducts', "Invalid index name [pro#ducts], must not contain '#'"],
      ['pro:ducts', "Invalid index name [pro:ducts], must not contain ':'"],
      ['pro*ducts', 'Invalid index name [pro*ducts], must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?]'],
    ]) {
      const error = await responseError(client.indices.create({ index: name as string }));
      expect(rootCause(error.body)).toEqual({ type: 'invalid_index_name_exception', reason });
    }
    await client.indices.create({ index: 'products-v1', body: { aliases: { products: {} } } });
    const taken = await responseError(client.indices.create({ index: 'products' }));
    expect(rootCause(taken.body)).toEqual({ type: 'invalid_index_name_exception', reason: 'Invalid index name [products], already exists as alias' });
    const clash = await responseError(client.indices.create({ index: 'other', body: { aliases: { 'products-v1': {} } } }));
    expect(rootCause(clash.body).type).toBe('invalid_alias_name_exception');
    expect((await client.indices.exists({ index: 'other' })).body).toBe(false);
  });

  it('GET shows aliases, mappings and settings as OpenSearch nests them (values as strings)', async () => {
    await client.indices.create({
      index: 'products-v1',
      body: {
        settings: { 'index.gc_deletes': '1h', index: { refresh_interval: '-1' }, number_of_replicas: 0 },
        mappings: { dynamic: 'strict', properties: { sku: { type: 'keyword' } } },
        aliases: { products: { is_write_index: true } },
      },
    });
    const { body } = await client.indices.get({ index: 'products' });
    expect(body['products-v1']).toEqual({
      aliases: { products: { is_write_index: true } },
      mappings: { dynamic: 'strict', properties: { sku: { type: 'keyword' } } },
      settings: {
        index: {
          creation_date: expect.any(String),
          gc_deletes: '1h',
          number_of_replicas: '0',
          number_of_shards: '1',
          provided_name: 'products-v1',
          refresh_interval: '-1',
          uuid: expect.any(String),
          version: { created: expect.any(String) },
        },
      },
    });
    const flat = await client.indices.getSettings({ index: 'products-v1', flat_settings: true });
    expect(flat.body['products-v1']?.settings).toMatchObject({ 'index.gc_deletes': '1h' });
  });

  it('updates dynamic settings only, and refuses settings it does not know', async () => {
    await client.indices.create({ index: 'products' });
    await client.indices.putSettings({ index: 'products', body: { index: { gc_deletes: '5m', refresh_interval: '500ms' } } });
    const { body } = await client.indices.getSettings({ index: 'products' });
    expect(body['products']?.settings?.index).toMatchObject({ gc_deletes: '5m', refresh_interval: '500ms' });
    const shards = await responseError(client.indices.putSettings({ index: 'products', body: { number_of_shards: 2 } }));
    expect(rootCause(shards.body)).toEqual({
      type: 'illegal_argument_exception',
      reason: expect.stringMatching(/^Can't update non dynamic settings \[\[index.number_of_shards\]\] for open indices \[\[products\/.+\]\]$/),
    });
    const badTime = await responseError(client.indices.putSettings({ index: 'products', body: { gc_deletes: 'soon' } }));
    expect(rootCause(badTime.body).reason).toBe(
      'failed to parse setting [index.gc_deletes] with value [soon] as a time value: unit is missing or unrecognized',
    );
  });

  it('merges mappings additively; a field never changes type', async () => {
    await client.indices.create({ index: 'products', body: { mappings: { properties: { sku: { type: 'keyword' } } } } });
    await client.indices.putMapping({
      index: 'products',
      body: { properties: { price: { type: 'long' }, title: { type: 'text', fields: { raw: { type: 'keyword' } } } } },
    });
    const conflict = await responseError(client.indices.putMapping({ index: 'products', body: { properties: { price: { type: 'keyword' } } } }));
    expect(rootCause(conflict.body)).toEqual({ type: 'illegal_argument_exception', reason: 'mapper [price] cannot be changed from type [long] to [keyword]' });
    const { body } = await client.indices.getMapping({ index: 'products' });
    expect(body['products']?.mappings).toEqual({
      properties: { price: { type: 'long' }, sku: { type: 'keyword' }, title: { type: 'text', fields: { raw: { type: 'keyword' } } } },
    });
  });

  it('moves aliases atomically and resolves writes to the write index', async () => {
    await client.indices.create({ index: 'products-v1', body: { aliases: { products: {} } } });
    await client.indices.create({ index: 'products-v2' });
    await client.index({ index: 'products', id: 'P1', body: { sku: 'P1' } });
    await client.indices.updateAliases({
      body: {
        actions: [{ remove: { index: 'products-v1', alias: 'products' } }, { add: { index: 'products-v2', alias: 'products' } }],
      },
    });
    await client.index({ index: 'products', id: 'P2', body: { sku: 'P2' } });
    expect(server.inspect.documents('products-v1').map((d) => d._id)).toEqual(['P1']);
    expect(server.inspect.documents('products-v2').map((d) => d._id)).toEqual(['P2']);
    expect((await client.indices.getAlias({ name: 'products' })).body).toEqual({ 'products-v2': { aliases: { products: {} } } });
    expect((await client.indices.existsAlias({ name: 'products' })).body).toBe(true);
    expect((await client.indices.existsAlias({ name: 'gone' })).body).toBe(false);
    const missing = await responseError(client.indices.getAlias({ name: 'gone' }));
    expect(missing).toEqual({ status: 404, body: { error: 'alias [gone] missing', status: 404 } });

    // Two indices behind one alias and no write index: a write through it fails.
    await client.indices.updateAliases({ body: { actions: [{ add: { index: 'products-v1', alias: 'products' } }] } });
    const noWriter = await responseError(client.index({ index: 'products', id: 'P3', body: {} }));
    expect(rootCause(noWriter.body).reason).toMatch(/^no write index is defined for alias \[products\]/);
    // A failed action list changes nothing.
    await responseError(
      client.indices.updateAliases({ body: { actions: [{ add: { index: 'products-v1', alias: 'x' } }, { remove: { index: 'products-v1', alias: 'y' } }] } }),
    );
    expect((await client.indices.existsAlias({ name: 'x' })).body).toBe(false);
  });

  it('deletes an index but not through an alias', async () => {
    await client.indices.create({ index: 'products-v1', body: { aliases: { products: {} } } });
    const viaAlias = await responseError(client.indices.delete({ index: 'products' }));
    expect(rootCause(viaAlias.body).reason).toBe('The provided expression [products] matches an alias, specify the corresponding concrete indices instead.');
    await client.indices.delete({ index: 'products-v1' });
    const gone = await responseError(client.indices.delete({ index: 'products-v1' }));
    expect(gone.status).toBe(404);
    expect(rootCause(gone.body)).toEqual({ type: 'index_not_found_exception', reason: 'no such index [products-v1]' });
  });

  it('answers cluster info and health like an OpenSearch 2.x node', async () => {
    const info = await client.info();
    expect(info.body.version).toMatchObject({ distribution: 'opensearch', number: '2.19.1' });
    expect((await client.cluster.health()).body).toMatchObject({ status: 'green', timed_out: false });
  });
});

describe('mappings enforced on every write', () => {
  beforeEach(async () => {
    await client.indices.create({
      index: 'products',
      body: {
        mappings: {
          dynamic: 'strict',
          properties: {
            sku: { type: 'keyword' },
            price: { type: 'long' },
            exact: { type: 'long', coerce: false },
            active: { type: 'boolean' },
            updated: { type: 'date' },
            attributes: { type: 'flat_object' },
            raw: { type: 'object', enabled: false },
            brand: { properties: { name: { type: 'keyword' } } },
          },
        },
      },
    });
  });

  async function put(doc: Record<string, unknown>) {
    return responseError(client.index({ index: 'products', id: 'P1', body: doc }));
  }

  it('refuses an unknown field under dynamic strict, at any depth', async () => {
    const top = await put({ sku: 'P1', colour: 'red' });
    expect(top.status).toBe(400);
    expect(rootCause(top.body)).toEqual({
      type: 'strict_dynamic_mapping_exception',
      reason: 'mapping set to strict, dynamic introduction of [colour] within [_doc] is not allowed',
    });
    expect(rootCause((await put({ brand: { name: 'x', country: 'FR' } })).body).reason).toBe(
      'mapping set to strict, dynamic introduction of [country] within [brand] is not allowed',
    );
  });

  it('refuses a value its field cannot hold (mapper_parsing_exception)', async () => {
    const text = await put({ price: 'abc' });
    expect(rootCause(text.body)).toEqual({
      type: 'mapper_parsing_exception',
      reason: "failed to parse field [price] of type [long] in document with id 'P1'. Preview of field's value: 'abc'",
    });
    expect((text.body['error'] as { caused_by: unknown }).caused_by).toEqual({ type: 'number_format_exception', reason: 'For input string: "abc"' });
    expect(rootCause((await put({ sku: { a: 1 } })).body).reason).toBe(
      "failed to parse field [sku] of type [keyword] in document with id 'P1'. Preview of field's value: '{a=1}'",
    );
    expect(rootCause((await put({ exact: 1.5 })).body).type).toBe('mapper_parsing_exception');
    expect(rootCause((await put({ active: 'yes' })).body).type).toBe('mapper_parsing_exception');
    expect(rootCause((await put({ updated: 'yesterday' })).body).type).toBe('mapper_parsing_exception');
    expect(rootCause((await put({ brand: 'acme' })).body).reason).toBe(
      'object mapping for [brand] tried to parse field [brand] as object, but found a concrete value',
    );
    expect(rootCause((await put({ attributes: 'red' })).body).type).toBe('mapper_parsing_exception');
    expect(rootCause((await put({ _id: 'P1' })).body).reason).toBe(
      'Field [_id] is a metadata field and cannot be added inside a document. Use the index API request parameters.',
    );
    expect(server.inspect.documents('products')).toEqual([]);
  });

  it('accepts arrays, nulls, coercible numbers, any flat_object and anything under enabled: false', async () => {
    const doc = {
      sku: ['P1', 'P1-alt'],
      price: '42',
      active: null,
      updated: '2025-01-01T10:00:00Z',
      attributes: { colour: 'red', size: { eu: 42 } },
      raw: { anything: [1, 'two', { three: 3 }] },
    };
    expect((await client.index({ index: 'products', id: 'P1', body: doc })).statusCode).toBe(201);
    // OpenSearch's default coerce truncates a fraction for an integer field (the source keeps it as sent).
    expect((await client.index({ index: 'products', id: 'P2', body: { price: 9.99 } })).statusCode).toBe(201);
    expect(server.inspect.documents('products').map((d) => d._source)).toEqual([doc, { price: 9.99 }]);
  });

  it('with dynamic true adds unknown fields to the mapping, with false keeps them unindexed', async () => {
    await client.indices.create({ index: 'loose' });
    await client.index({ index: 'loose', id: '1', body: { name: 'Red shoe', stock: 3, ratio: 0.5, on_sale: true, since: '2024-05-01', tags: [] } });
    const { body } = await client.indices.getMapping({ index: 'loose' });
    expect(body['loose']?.mappings?.properties).toEqual({
      name: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
      on_sale: { type: 'boolean' },
      ratio: { type: 'float' },
      since: { type: 'date' },
      stock: { type: 'long' },
    });
    const wrong = await responseError(client.index({ index: 'loose', id: '2', body: { stock: 'many' } }));
    expect(rootCause(wrong.body).type).toBe('mapper_parsing_exception');

    await client.indices.create({ index: 'ignoring', body: { mappings: { dynamic: false, properties: { sku: { type: 'keyword' } } } } });
    await client.index({ index: 'ignoring', id: '1', body: { sku: 'P1', colour: 'red' }, refresh: true });
    expect((await client.indices.getMapping({ index: 'ignoring' })).body['ignoring']?.mappings?.properties).toEqual({ sku: { type: 'keyword' } });
    const byColour = await client.search({ index: 'ignoring', body: { query: { term: { colour: 'red' } } } });
    expect(byColour.body.hits.total).toEqual({ value: 0, relation: 'eq' });
  });
});
