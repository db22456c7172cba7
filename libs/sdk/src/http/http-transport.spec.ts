import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IvmApiError, IvmBadResponseError, IvmNetworkError, IvmTimeoutError } from '../core';
import { Ivm } from '../index';
import type { RetryEvent } from './http-transport';

/** What the fake API saw: method, url, headers and body of every request. */
interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

type Reply = (res: ServerResponse, seen: Seen) => void;

/** A real HTTP server answering from a script of replies, one per request (the last one repeats). */
async function scriptedServer(replies: readonly Reply[]): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(request);
      (replies[Math.min(seen.length, replies.length) - 1] as Reply)(res, request);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  (res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
const job = {
  jobId: 'job-1',
  state: 'READY',
  compile: 'sync',
  ship: null,
  cutover: 'ready',
  records: [],
  transitions: [],
  tasks: [],
  createdAt: '2026-01-01T00:00:00.000Z',
};
const brand = { brand_id: 'B 1/x', name: 'Acme' };
const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

describe('Ivm.client over HTTP', () => {
  const servers: { close(): Promise<void> }[] = [];
  const serve = async (replies: readonly Reply[]) => {
    const server = await scriptedServer(replies);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('sends the deploy as API.md says: the tenant path, the key, JSON, and a generated Idempotency-Key', async () => {
    const api = await serve([json(200, job)]);
    const ivm = Ivm.client({ baseUrl: `${api.url}/`, apiKey: 'k1', tenant: 'de mo' });
    await ivm
      .ingest()
      .brand(brand, { version: 1 })
      .deployNow((s) => s.opensearchProducts().personalize());
    const [request] = api.seen;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/tenants/de%20mo/deploys' });
    expect(request?.headers).toMatchObject({ authorization: 'Bearer k1', 'content-type': 'application/json' });
    expect(request?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(request?.body ?? '')).toEqual({
      records: [{ entityType: 'brand', entityId: 'B 1/x', version: 1, data: brand }],
      compile: 'sync',
      ship: { mode: 'async', sinks: ['opensearch-products', 'personalize'] },
      cutover: 'ready',
    });
  });

  it('retries transient answers with the same Idempotency-Key, honouring Retry-After, and tells onRetry', async () => {
    const unavailable = { error: { code: 'STORE_UNAVAILABLE', message: 'retry later', details: [] } };
    const api = await serve([json(503, unavailable, { 'retry-after': '0' }), json(429, unavailable), json(200, job)]);
    const retries: RetryEvent[] = [];
    const ivm = Ivm.client({ baseUrl: api.url, apiKey: 'k', tenant: 'demo', retry: fast, onRetry: (r) => retries.push(r) });
    const answer = await ivm
      .ingest()
      .brand(brand, { version: 1 })
      .deploy((d) => d.compile.sync());
    expect(answer.jobId).toBe('job-1');
    expect(api.seen).toHaveLength(3);
    expect(new Set(api.seen.map((s) => s.headers['idempotency-key'])).size).toBe(1);
    expect(retries.map((r) => [r.retry, r.reason])).toEqual([
      [1, 'HTTP 503 STORE_UNAVAILABLE'],
      [2, 'HTTP 429 STORE_UNAVAILABLE'],
    ]);
  });

  it('an explicit idempotencyKey is sent as given (so a restarted importer does not deploy twice)', async () => {
    const api = await serve([json(200, job)]);
    const ivm = Ivm.client({ baseUrl: api.url, apiKey: 'k', tenant: 'demo' });
    await ivm
      .ingest()
      .brand(brand, { version: 1 })
      .deploy((d) => d.compile.sync(), { idempotencyKey: 'import-2026-11-23' });
    expect(api.seen[0]?.headers['idempotency-key']).toBe('import-2026-11-23');
  });

  it("turns the API's error envelope into IvmApiError at once (a 4xx is not retried)", async () => {
    const details = [{ path: '/price', message: 'must be >= 0' }];
    const api = await serve([json(422, { error: { code: 'SCHEMA_VIOLATION', message: 'invalid product', details } })]);
    const ivm = Ivm.client({ baseUrl: api.url, apiKey: 'k', tenant: 'demo', retry: fast });
    const error = await ivm
      .ingest()
      .brand(brand, { version: 1 })
      .insert()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IvmApiError);
    expect(error).toMatchObject({ code: 'SCHEMA_VIOLATION', status: 422, message: 'invalid product', details });
    expect(api.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['PUT /v1/tenants/demo/raw/brand/B%201%2Fx/versions/1']);
  });

  it('gives up after the attempts with the last transient error', async () => {
    const api = await serve([json(503, { error: { code: 'NOT_READY', message: 'starting', details: [] } })]);
    const ivm = Ivm.client({ baseUrl: api.url, apiKey: 'k', tenant: 'demo', retry: fast });
    await expect(ivm.deploy.status('job-1')).rejects.toMatchObject({ code: 'NOT_READY', status: 503 });
    expect(api.seen).toHaveLength(3);
  });

  it('times out a silent API per attempt: IvmTimeoutError (SDK_TIMEOUT) after every attempt', async () => {
    const api = await serve([() => undefined]);
    const ivm = Ivm.client({ baseUrl: api.url, apiKey: 'k', tenant: 'demo', timeoutMs: 50, retry: { ...fast, attempts: 2 } });
    const error = await ivm.views.productDetail.get('A').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IvmTimeoutError);
    expect(error).toMatchObject({ code: 'SDK_TIMEOUT', timeoutMs: 50 });
    expect(api.seen).toHaveLength(2);
  });

  it('reports an unreachable API as IvmNetworkError (SDK_NETWORK), naming the cause', async () => {
    const api = await serve([json(200, {})]);
    const url = api.url;
    await api.close();
    servers.pop();
    const ivm = Ivm.client({ baseUrl: url, apiKey: 'k', tenant: 'demo', retry: { ...fast, attempts: 2 } });
    const error = await ivm.contracts().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IvmNetworkError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('refuses an answer that is not the API (a proxy page): IvmBadResponseError', async () => {
    const api = await serve([
      (res) => {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<html>not here</html>');
      },
    ]);
    const ivm = Ivm.client({ baseUrl: api.url, apiKey: 'k', tenant: 'demo' });
    await expect(ivm.deploy.status('x')).rejects.toBeInstanceOf(IvmBadResponseError);
  });

  it('passes a view version as the query, and types the data', async () => {
    const api = await serve([json(200, { view: 'product-detail', entityKey: 'product#A', version: 2, data: { price: 5 }, missingSlices: [] })]);
    const ivm = Ivm.client({ baseUrl: api.url, apiKey: 'k', tenant: 'demo' });
    const page = await ivm.views.productDetail.get('A', { version: 2 });
    expect(page.data.price).toBe(5);
    expect(api.seen[0]?.url).toBe('/v1/tenants/demo/views/product-detail/A?version=2');
  });
});
