import { startOpenSearchTestServer, type OpenSearchTestServer } from '@ivm/adapters-opensearch/testing';
import { SinkDirectory } from '@ivm/application';
import type { SinkOperation } from '@ivm/domain';
import { sampleRegistry } from '@ivm/domain/testing';
import { Registry } from 'prom-client';
import { loadSinkConfig } from '../config';
import { createSinkMetrics } from './sink-metrics';
import { type ProcessSinks, processSinks } from './sinks';

/*
 * The sinks as a process wires them (processSinks: plugin, circuit breaker, metrics), against the
 * OpenSearch-compatible test server: an outage opens the breaker, which then keeps the process
 * from calling the cluster, and once the cluster is back every document arrives at its newest
 * revision — nothing lost.
 */
const registry = sampleRegistry();
const upsert = (sku: string, revision: number, price = 100): SinkOperation => ({
  kind: 'upsert',
  docId: `acme:${sku}`,
  entityKey: `product#${sku}`,
  version: 1,
  revision,
  document: { sku, name: `Product ${sku}`, status: 'ACTIVE', brand_id: 'B1', brand_name: 'Acme', category_ids: ['C1'], price, currency: 'KRW' },
});
const remove = (sku: string, revision: number): SinkOperation => ({ kind: 'delete', docId: `acme:${sku}`, entityKey: `product#${sku}`, version: 2, revision });

describe('process sinks: OpenSearch behind its circuit breaker, with metrics', () => {
  let server: OpenSearchTestServer;
  let sinks: ProcessSinks;
  const metrics = new Registry();

  beforeAll(async () => {
    server = await startOpenSearchTestServer();
    const env: Record<string, string> = { OPENSEARCH_URL: server.url, IVM_SINK_BREAKER_FAILURES: '2', IVM_SINK_BREAKER_OPEN_MS: '300' };
    sinks = processSinks({ env: (name) => env[name], registry, config: loadSinkConfig(env), metrics: createSinkMetrics(metrics) });
  });
  afterAll(async () => {
    await sinks.close();
    await server.close();
  });

  const metric = async (line: string): Promise<boolean> => (await metrics.metrics()).split('\n').includes(line);

  it('an outage opens the breaker (the cluster is no longer called), and after it every document arrives: nothing lost', async () => {
    const directory = new SinkDirectory(registry, sinks.options);
    const { contract, plugin } = directory.resolve('opensearch-products');
    expect(await plugin.apply(contract, 'acme', [upsert('P1', 1)])).toEqual([{ docId: 'acme:P1', status: 'applied' }]);

    server.faults.outage('refuse');
    const pending = [upsert('P1', 2, 250), upsert('P2', 1), remove('P3', 1)];
    for (let i = 0; i < 2; i++) expect((await plugin.apply(contract, 'acme', pending)).map((o) => o.status)).toEqual(['retry', 'retry', 'retry']);
    expect(await metric('ivm_sink_breaker_state{sink="opensearch-products"} 2')).toBe(true);
    const seen = server.inspect.requests.length;
    const fast = await plugin.apply(contract, 'acme', pending);
    expect(fast.every((o) => o.status === 'retry' && o.reason?.includes('circuit open') && (o.retryAfterMs ?? 0) > 0)).toBe(true);
    expect(server.inspect.requests.length).toBe(seen);

    server.faults.restore();
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await plugin.apply(contract, 'acme', pending)).map((o) => o.status)).toEqual(['applied', 'applied', 'applied']);
    expect(await metric('ivm_sink_breaker_state{sink="opensearch-products"} 0')).toBe(true);
    const held = new Map(server.inspect.documents('products-ivm').map((d) => [d._id, d]));
    expect(held.get('acme:P1')).toMatchObject({ _version: 2, _source: { price: 250 } });
    expect(held.get('acme:P2')).toMatchObject({ _version: 1 });
    expect(held.get('acme:P3')).toMatchObject({ _version: 1, _source: { ivm: { deleted: true } } });
    expect(await metric('ivm_sink_documents_total{sink="opensearch-products",outcome="shipped"} 4')).toBe(true);
    expect((await metrics.metrics()).match(/ivm_sink_documents_total\{sink="opensearch-products",outcome="retried"\} (\d+)/)?.[1]).toBe(
      String(2 * 2 * 3 + 3 * 3),
    ); // 2 tries again inside each of 2 applies, then 3 applies answered retry
  });
});
