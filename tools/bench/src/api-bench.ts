/**
 * npm run bench:api — ingest, INCREMENTAL slicing and view reads through the HTTP API (a
 * separate process, as deployed) on dynalite, with autocannon on loopback; and in the same run,
 * as the baseline, the raw PutItem rate of the same dynalite instance at the same concurrency.
 * Beside each rate: the DynamoDB requests it cost, read from the API's own /metrics.
 *
 * Options: --ops N (ingest+slice pairs, default 2000), --connections N (default 16), --out DIR.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { bootstrapTables, createDynamoClient, startDynalite } from '@ivm/adapters-dynamodb';
import autocannon from 'autocannon';
import { freePort } from './deploy/processes';
import { fmt, printTable, quantile, type Row, writeSummary } from './measure';

const { values: args } = parseArgs({
  options: { ops: { type: 'string', default: '2000' }, connections: { type: 'string', default: '16' }, out: { type: 'string', default: 'bench-results' } },
});
const OPS = positive('ops', args.ops);
const CONNECTIONS = positive('connections', args.connections);
const TENANT = 'bench';
const KEY = 'bench-key';
const PREFIX = 'bench_';
const ROOT = resolve(__dirname, '../../..');

function positive(name: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${text}`);
  return n;
}

/** The API as its own process (`npm start`'s entry point), pointed at the bench's dynalite. */
async function startApi(endpoint: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'apps/api/src/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      DYNAMODB_ENDPOINT: endpoint,
      AWS_REGION: 'local',
      IVM_TABLE_PREFIX: PREFIX,
      IVM_API_KEYS: `${KEY}:${TENANT}`,
      LOG_LEVEL: 'warn',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode} before it was ready`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, child };
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error('the API did not become ready within 60 s');
}

const productDoc = (sku: string): Record<string, unknown> => ({
  sku,
  name: `Moisture Cream ${sku}`,
  brand_id: 'B1',
  category_ids: ['C1', 'C2'],
  price: 19000,
  currency: 'KRW',
  status: 'ACTIVE',
  attributes: { volume: '50ml' },
});

/** Total DynamoDB requests the API process has sent, from its own /metrics. */
async function dynamoRequests(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^ivm_dynamodb_requests_total\{[^}]*\} (\d+(?:\.\d+)?)$/.exec(line);
    if (match) total += Number(match[1]);
  }
  return total;
}

/** Baseline: PutItem of product-sized items straight into dynalite, CONNECTIONS at a time. */
async function putItemBaseline(endpoint: string, count: number): Promise<{ perSecond: number; p50: number; p99: number }> {
  const client = createDynamoClient({ endpoint, region: 'local', tablePrefix: PREFIX });
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await client.send(
          new PutItemCommand({
            TableName: `${PREFIX}raw`,
            Item: { PK: { S: `baseline#product#B-${i}` }, SK: { N: '1' }, data: { S: JSON.stringify(productDoc(`B-${i}`)) } },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  client.destroy();
  return { perSecond: count / seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

async function main(): Promise<void> {
  console.log(`bench:api — ${fmt(OPS)} ingest+slice pairs, ${CONNECTIONS} connections, node ${process.version}`);
  const dynamo = await startDynalite();
  const client = createDynamoClient({ endpoint: dynamo.endpoint, region: 'local', tablePrefix: PREFIX });
  await bootstrapTables(client, PREFIX);
  client.destroy();
  const api = await startApi(dynamo.endpoint);
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  try {
    const call = async (method: string, path: string, body: unknown): Promise<void> => {
      const response = await fetch(`${api.url}${path}`, { method, headers, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    };
    await call('PUT', `/v1/tenants/${TENANT}/raw/brand/B1/versions/1`, { brand_id: 'B1', name: 'Acme' });
    await call('POST', `/v1/tenants/${TENANT}/slicing`, { entityType: 'brand', entityId: 'B1', version: 1, mode: 'FULL' });

    console.log('warming up…');
    let sequence = 0;
    const slicedSkus: string[] = [];
    const pairRequests = (prefix: string) => [
      {
        method: 'PUT',
        setupRequest: (request: autocannon.Request, context: Record<string, unknown>) => {
          const sku = `${prefix}-${sequence++}`;
          context['sku'] = sku;
          return { ...request, path: `/v1/tenants/${TENANT}/raw/product/${sku}/versions/1`, body: JSON.stringify(productDoc(sku)) };
        },
      },
      {
        method: 'POST',
        setupRequest: (request: autocannon.Request, context: Record<string, unknown>) => ({
          ...request,
          path: `/v1/tenants/${TENANT}/slicing`,
          body: JSON.stringify({ entityType: 'product', entityId: context['sku'], version: 1, mode: 'INCREMENTAL', fromVersion: 0 }),
        }),
        // Only products whose slicing completed are read back as views.
        onResponse: (status: number, _body: string, context: Record<string, unknown>) => {
          if (prefix === 'S' && status === 200) slicedSkus.push(context['sku'] as string);
        },
      },
    ];
    await autocannon({ url: api.url, connections: CONNECTIONS, amount: 400, headers, requests: pairRequests('W') });

    console.log('baseline: PutItem into the same dynalite…');
    const baseline = await putItemBaseline(dynamo.endpoint, OPS * 2);

    console.log('ingest only (PUT raw)…');
    const beforeIngest = await dynamoRequests(api.url);
    const ingest = await autocannon({
      url: api.url,
      connections: CONNECTIONS,
      amount: OPS,
      headers,
      requests: [
        {
          method: 'PUT',
          setupRequest: (request) => {
            const sku = `I-${sequence++}`;
            return { ...request, path: `/v1/tenants/${TENANT}/raw/product/${sku}/versions/1`, body: JSON.stringify(productDoc(sku)) };
          },
        },
      ],
    });
    const requestsPerDoc = ((await dynamoRequests(api.url)) - beforeIngest) / OPS;
    console.log('ingest + INCREMENTAL slicing (PUT raw, then POST slicing)…');
    const before = await dynamoRequests(api.url);
    const pairs = await autocannon({ url: api.url, connections: CONNECTIONS, amount: OPS * 2, headers, requests: pairRequests('S') });
    const requestsPerProduct = (await dynamoRequests(api.url)) - before;
    console.log('view reads (GET views/product-detail, active version)…');
    let nextView = 0;
    const beforeViews = await dynamoRequests(api.url);
    const views = await autocannon({
      url: api.url,
      connections: CONNECTIONS,
      amount: OPS,
      headers: { authorization: headers.authorization },
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => ({ ...request, path: `/v1/tenants/${TENANT}/views/product-detail/${slicedSkus[nextView++ % slicedSkus.length]}` }),
        },
      ],
    });
    const requestsPerView = ((await dynamoRequests(api.url)) - beforeViews) / OPS;
    for (const [name, run] of [
      ['ingest', ingest],
      ['ingest+slice', pairs],
      ['views', views],
    ] as const) {
      if (run.errors > 0 || run.non2xx > 0 || run.timeouts > 0)
        throw new Error(`${name}: ${run.errors} errors, ${run.non2xx} non-2xx, ${run.timeouts} timeouts`);
    }

    const ingestPerSecond = ingest.requests.total / ingest.duration;
    const pairsPerSecond = pairs.requests.total / 2 / pairs.duration;
    const viewsPerSecond = views.requests.total / views.duration;
    const rows: Row[] = [
      ['baseline: dynalite PutItem', `${fmt(baseline.perSecond)} puts/s, p50 ${fmt(baseline.p50, 2)} ms, p99 ${fmt(baseline.p99, 2)} ms`, '1.00×'],
      [
        'PUT raw (validate, hash, conditional put)',
        `${fmt(ingestPerSecond)} docs/s, p50 ${fmt(ingest.latency.p50, 2)} ms, p99 ${fmt(ingest.latency.p99, 2)} ms`,
        `${(ingestPerSecond / baseline.perSecond).toFixed(3)}× baseline rate · ${fmt(requestsPerDoc, 1)} DynamoDB requests/doc`,
      ],
      [
        'PUT raw + POST slicing INCREMENTAL',
        `${fmt(pairsPerSecond)} products/s, p50 ${fmt(pairs.latency.p50, 2)} ms, p99 ${fmt(pairs.latency.p99, 2)} ms (per request)`,
        `${(pairsPerSecond / baseline.perSecond).toFixed(3)}× baseline rate · ${fmt(requestsPerProduct / OPS, 1)} DynamoDB requests/product (ideal ratio at this cost ≈ ${(OPS / requestsPerProduct).toFixed(3)}×)`,
      ],
      [
        'GET view (active version)',
        `${fmt(viewsPerSecond)} views/s, p50 ${fmt(views.latency.p50, 2)} ms, p99 ${fmt(views.latency.p99, 2)} ms`,
        `${(viewsPerSecond / baseline.perSecond).toFixed(3)}× baseline rate · ${fmt(requestsPerView, 1)} DynamoDB requests/view`,
      ],
    ];
    printTable(rows);
    await writeSummary(args.out ?? 'bench-results', 'api', {
      ops: OPS,
      connections: CONNECTIONS,
      baseline,
      ingest: {
        perSecond: ingestPerSecond,
        p50: ingest.latency.p50,
        p99: ingest.latency.p99,
        ratio: ingestPerSecond / baseline.perSecond,
        dynamoRequestsPerDoc: requestsPerDoc,
      },
      ingestAndSlice: {
        perSecond: pairsPerSecond,
        p50: pairs.latency.p50,
        p99: pairs.latency.p99,
        ratio: pairsPerSecond / baseline.perSecond,
        dynamoRequestsPerProduct: requestsPerProduct / OPS,
      },
      views: {
        perSecond: viewsPerSecond,
        p50: views.latency.p50,
        p99: views.latency.p99,
        ratio: viewsPerSecond / baseline.perSecond,
        dynamoRequestsPerView: requestsPerView,
      },
    });
  } finally {
    api.child.kill('SIGTERM');
    await dynamo.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
