import { type JsonObject, type OpenSearchSinkContract, type SinkOperation } from '@ivm/domain';
import { ManualClock, sampleRegistry } from '@ivm/domain/testing';
import { Client } from '@opensearch-project/opensearch';
import { startOpenSearchTestServer, type OpenSearchTestServer } from '../testing';
import { createOpenSearchSink, type OpenSearchSink } from './opensearch-sink';
import { indexNames } from './index-definition';

/**
 * The adapter suite: every case runs against the OpenSearch-compatible test server, and again
 * against a real cluster when OPENSEARCH_URL is set. Cases that need injected faults or a clock
 * (outages, item failures) run on the test server only; the outage that opens a sink's circuit
 * breaker, with the production wiring, is in `libs/runtime/src/wiring/sinks.spec.ts`.
 */
const registry = sampleRegistry();
const REAL_URL = process.env['OPENSEARCH_URL']?.trim() || undefined;
const RUN = `${process.pid}-${Date.now().toString(36)}`;
let indexes = 0;

/** A sink contract of its own per case, so cases (and runs on a shared real cluster) never meet. */
function freshSink(): OpenSearchSinkContract {
  const base = registry.sink('opensearch-products') as OpenSearchSinkContract;
  return { ...base, id: `products-${++indexes}`, target: { index: `ivm-test-${RUN}-${indexes}` } };
}

const doc = (sku: string, extra: JsonObject = {}): JsonObject => ({
  sku,
  name: `Moisture cream ${sku}`,
  status: 'ACTIVE',
  brand_id: 'B1',
  brand_name: 'Acme',
  category_ids: ['C1', 'C2'],
  attributes: { volume: '50ml' },
  price: 19_000,
  currency: 'KRW',
  ...extra,
});
const upsert = (sku: string, revision: number, extra: JsonObject = {}, version = 1): SinkOperation => ({
  kind: 'upsert',
  docId: `acme:${sku}`,
  entityKey: `product#${sku}`,
  version,
  revision,
  document: doc(sku, extra),
});
const remove = (sku: string, revision: number, version = 2): SinkOperation => ({
  kind: 'delete',
  docId: `acme:${sku}`,
  entityKey: `product#${sku}`,
  version,
  revision,
});

/** Sink plugins on one cluster, each a process of its own, closed together; retries are quick so fault cases stay fast. */
function pluginsOn(url: () => string, maxDocuments: number) {
  const made: OpenSearchSink[] = [];
  return {
    make(retries: number[] = []): OpenSearchSink {
      const plugin = createOpenSearchSink({
        connect: () => new Client({ node: url(), maxRetries: 0 }),
        registry,
        bulk: { maxDocuments, maxBytes: 1024 * 1024 },
        retry: { tries: 3, baseDelayMs: 1 },
        requestTimeoutMs: 5_000,
        onRetry: (_sink, n) => retries.push(n),
      });
      made.push(plugin);
      return plugin;
    },
    closeAll: async (): Promise<void> => {
      await Promise.all(made.map((p) => p.close()));
    },
  };
}

interface Target {
  readonly url: string;
  /** Makes the cluster forget real deletes' versions (what `index.gc_deletes` does after its window). */
  expireDeletes(client: Client, index: string): Promise<void>;
}

function suite(name: string, target: () => Target): void {
  describe(`OpenSearch sink against ${name}`, () => {
    let client: Client;
    const plugins = pluginsOn(() => target().url, 3);
    const plugin = (): OpenSearchSink => plugins.make();
    beforeAll(() => {
      client = new Client({ node: target().url, maxRetries: 0 });
    });
    afterAll(async () => {
      await plugins.closeAll();
      await client.close();
    });

    /** What readers see: a search through the sink's alias, after a refresh. */
    const visible = async (sink: OpenSearchSinkContract): Promise<Record<string, JsonObject>> => {
      const { index, alias } = indexNames(sink);
      await client.indices.refresh({ index });
      const { body } = await client.search({ index: alias, body: { query: { match_all: {} }, size: 100 } });
      return Object.fromEntries(body.hits.hits.map((hit) => [hit._id as string, hit._source as JsonObject]));
    };
    const stored = async (sink: OpenSearchSinkContract, id: string) => {
      const { body } = await client.get({ index: indexNames(sink).index, id }, { ignore: [404] });
      return body as { found: boolean; _version?: number; _source?: JsonObject };
    };

    it('creates the index from the contracts once, whoever comes first, and readers search the alias', async () => {
      const sink = freshSink();
      const [a, b] = [plugin(), plugin()];
      const answers = await Promise.all([a.apply(sink, 'acme', [upsert('P1', 1)]), b.apply(sink, 'acme', [upsert('P2', 1)])]);
      expect(answers.flat().map((o) => o.status)).toEqual(['applied', 'applied']);
      // A third process finds the index there and only checks mappings and alias.
      expect(await plugin().apply(sink, 'acme', [upsert('P3', 1)])).toEqual([{ docId: 'acme:P3', status: 'applied' }]);
      const { index, alias } = indexNames(sink);
      const { body } = await client.indices.get({ index });
      const definition = (body as Record<string, { mappings: JsonObject; aliases: Record<string, JsonObject> }>)[index];
      expect(definition?.mappings).toMatchObject({ dynamic: 'strict', properties: { price: { type: 'long' }, sku: { type: 'keyword' } } });
      expect(Object.keys(definition?.aliases ?? {})).toEqual([alias]);
      expect(Object.keys(await visible(sink)).sort()).toEqual(['acme:P1', 'acme:P2', 'acme:P3']);
    });

    it('replays are idempotent: the same revision rewrites the same document', async () => {
      const sink = freshSink();
      const ops = [upsert('P1', 4), upsert('P2', 2)];
      const sink1 = plugin();
      expect((await sink1.apply(sink, 'acme', ops)).map((o) => o.status)).toEqual(['applied', 'applied']);
      expect((await sink1.apply(sink, 'acme', ops)).map((o) => o.status)).toEqual(['applied', 'applied']);
      expect(await stored(sink, 'acme:P1')).toMatchObject({ found: true, _version: 4, _source: { sku: 'P1', ivm: { revision: 4, deleted: false } } });
    });

    it('an older revision arriving late never overwrites a newer one', async () => {
      const sink = freshSink();
      const sink1 = plugin();
      await sink1.apply(sink, 'acme', [upsert('P1', 3, { price: 3 }, 3)]);
      const late = await sink1.apply(sink, 'acme', [upsert('P1', 2, { price: 2 }, 2)]);
      expect(late).toEqual([{ docId: 'acme:P1', status: 'stale', reason: expect.stringContaining('version_conflict_engine_exception') }]);
      expect((await stored(sink, 'acme:P1'))._source).toMatchObject({ price: 3, ivm: { version: 3, revision: 3 } });
    });

    it('a brand rename at the same product version wins over a late replay of the old name', async () => {
      const sink = freshSink();
      const sink1 = plugin();
      await sink1.apply(sink, 'acme', [upsert('P1', 1)]);
      expect(await sink1.apply(sink, 'acme', [upsert('P1', 2, { brand_name: 'Acme Labs' })])).toEqual([{ docId: 'acme:P1', status: 'applied' }]);
      expect((await sink1.apply(sink, 'acme', [upsert('P1', 1)]))[0]?.status).toBe('stale');
      expect((await visible(sink))['acme:P1']).toMatchObject({ brand_name: 'Acme Labs', ivm: { version: 1, revision: 2 } });
    });

    it('a delete stays deleted: a late stale upsert cannot bring it back, also once the cluster forgot real deletes', async () => {
      const sink = freshSink();
      const sink1 = plugin();
      await sink1.apply(sink, 'acme', [upsert('P1', 1), upsert('P2', 1)]);
      expect((await sink1.apply(sink, 'acme', [remove('P1', 2)]))[0]?.status).toBe('applied');
      expect(Object.keys(await visible(sink))).toEqual(['acme:P2']);
      expect((await sink1.apply(sink, 'acme', [upsert('P1', 1)]))[0]?.status).toBe('stale');
      await target().expireDeletes(client, indexNames(sink).index);
      expect((await sink1.apply(sink, 'acme', [upsert('P1', 1)]))[0]?.status).toBe('stale');
      expect(Object.keys(await visible(sink))).toEqual(['acme:P2']);
      // The tombstone is a document of metadata only.
      expect((await stored(sink, 'acme:P1'))._source).toEqual({ ivm: { tenantId: 'acme', entityKey: 'product#P1', version: 2, revision: 2, deleted: true } });
      // A newer version after the delete comes back.
      expect((await sink1.apply(sink, 'acme', [upsert('P1', 3, {}, 3)]))[0]?.status).toBe('applied');
      expect(Object.keys(await visible(sink)).sort()).toEqual(['acme:P1', 'acme:P2']);
    });

    it('reads mixed upserts and deletes item by item, in order: a document the mapping refuses is rejected with its reason, the rest applied', async () => {
      const sink = freshSink();
      const sink1 = plugin();
      await sink1.apply(sink, 'acme', [upsert('P2', 1), upsert('P4', 2)]);
      const outcomes = await sink1.apply(sink, 'acme', [
        upsert('P1', 1),
        remove('P2', 2),
        upsert('P3', 1, { price: 'nineteen thousand' }),
        remove('P4', 1),
        upsert('P5', 1, { undeclared: true }),
        upsert('P6', 1),
        remove('P7', 1),
      ]);
      expect(outcomes).toEqual([
        { docId: 'acme:P1', status: 'applied' },
        { docId: 'acme:P2', status: 'applied' },
        { docId: 'acme:P3', status: 'rejected', reason: expect.stringMatching(/^HTTP 400 mapper_parsing_exception/) },
        { docId: 'acme:P4', status: 'stale', reason: expect.stringContaining('409') },
        { docId: 'acme:P5', status: 'rejected', reason: expect.stringMatching(/^HTTP 400 strict_dynamic_mapping_exception/) },
        { docId: 'acme:P6', status: 'applied' },
        { docId: 'acme:P7', status: 'applied' },
      ]);
      expect(Object.keys(await visible(sink)).sort()).toEqual(['acme:P1', 'acme:P4', 'acme:P6']);
    });

    it('refuses for good, naming the cause, when the alias name is taken by an index that is not ours', async () => {
      const sink = freshSink();
      await client.indices.create({ index: sink.target.index });
      const outcomes = await plugin().apply(sink, 'acme', [upsert('P1', 1)]);
      expect(outcomes).toEqual([{ docId: 'acme:P1', status: 'rejected', reason: expect.stringContaining(`creating index ${indexNames(sink).index}`) }]);
    });

    it('refuses for good when the index holds a field under another type (a mapping the contracts cannot update)', async () => {
      const sink = freshSink();
      const { index } = indexNames(sink);
      await client.indices.create({ index, body: { mappings: { properties: { price: { type: 'keyword' } } } } });
      const outcomes = await plugin().apply(sink, 'acme', [upsert('P1', 1)]);
      expect(outcomes).toEqual([{ docId: 'acme:P1', status: 'rejected', reason: expect.stringContaining(`updating the mappings of index ${index}`) }]);
    });
  });
}

let server: OpenSearchTestServer;
let clock: ManualClock;
beforeAll(async () => {
  clock = new ManualClock(Date.parse('2026-11-23T00:00:00Z'));
  server = await startOpenSearchTestServer({ clock });
});
afterAll(() => server.close());
let unsupportedBefore = 0;
beforeEach(() => {
  unsupportedBefore = server.inspect.unsupported.length;
});
afterEach(() => {
  // The adapter uses nothing the test server does not implement (it would refuse it on a real cluster's behalf).
  expect(server.inspect.unsupported.slice(unsupportedBefore)).toEqual([]);
  server.faults.restore();
});

suite('the OpenSearch-compatible test server', () => ({
  url: server.url,
  expireDeletes: async () => {
    // Past the default index.gc_deletes (60 s): the test server forgets real deletes' versions, as a cluster does.
    clock.advance(61_000);
  },
}));

if (REAL_URL === undefined) {
  console.warn(
    '\n*** OpenSearch sink suite: OPENSEARCH_URL is not set, so it ran against the test server only. Set OPENSEARCH_URL=http://host:9200 to run it against a real cluster too. ***\n',
  );
  describe('OpenSearch sink against a real cluster', () => {
    it.skip('runs when OPENSEARCH_URL is set', () => undefined);
  });
} else {
  suite(`the cluster at OPENSEARCH_URL`, () => ({
    url: REAL_URL,
    expireDeletes: async (client, index) => {
      await client.indices.putSettings({ index, body: { index: { gc_deletes: '0s' } } });
      await client.indices.refresh({ index });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    },
  }));
}

describe('OpenSearch sink under faults (test server)', () => {
  const plugins = pluginsOn(() => server.url, 2);
  afterAll(() => plugins.closeAll());
  const make = (retries: number[] = []): OpenSearchSink => plugins.make(retries);

  it('retries 429 and 5xx items inside one apply and reports them applied; items still refused after the last try go back as retry', async () => {
    const sink = freshSink();
    const retries: number[] = [];
    const plugin = make(retries);
    await plugin.apply(sink, 'acme', [upsert('P0', 1)]);
    const refusals = new Map<string, number>([
      ['acme:P2', 1],
      ['acme:P3', 2],
      ['acme:P4', 9],
    ]);
    server.faults.failItems(({ id }) => {
      const left = refusals.get(id) ?? 0;
      if (left === 0) return undefined;
      refusals.set(id, left - 1);
      return id === 'acme:P3'
        ? { status: 503, type: 'unavailable_shards_exception', reason: 'primary shard is not active' }
        : { status: 429, type: 'es_rejected_execution_exception', reason: 'rejected execution of coordinating operation' };
    });
    const outcomes = await plugin.apply(sink, 'acme', [upsert('P1', 1), upsert('P2', 1), remove('P3', 1), upsert('P4', 1), upsert('P5', 1)]);
    expect(outcomes).toEqual([
      { docId: 'acme:P1', status: 'applied' },
      { docId: 'acme:P2', status: 'applied' },
      { docId: 'acme:P3', status: 'applied' },
      { docId: 'acme:P4', status: 'retry', reason: expect.stringContaining('HTTP 429 es_rejected_execution_exception') },
      { docId: 'acme:P5', status: 'applied' },
    ]);
    expect(retries).toEqual([3, 2]);
  });

  it('retries a bulk refused whole (429) and reports a cluster that stays down as retry, never as rejected', async () => {
    const sink = freshSink();
    const plugin = make();
    await plugin.apply(sink, 'acme', [upsert('P0', 1)]);
    server.faults.failNextRequests(1, 429, { path: /_bulk/ });
    expect((await plugin.apply(sink, 'acme', [upsert('P1', 1)]))[0]?.status).toBe('applied');
    server.faults.outage('refuse');
    expect(await plugin.apply(sink, 'acme', [upsert('P2', 1)])).toEqual([
      { docId: 'acme:P2', status: 'retry', reason: expect.stringContaining('bulk request failed') },
    ]);
    server.faults.outage(503);
    expect((await plugin.apply(sink, 'acme', [upsert('P2', 1)]))[0]).toMatchObject({ status: 'retry', reason: expect.stringContaining('HTTP 503') });
  });
});
