import { type ChildProcess, spawn } from 'node:child_process';
import { startTestDynamo, type TestDynamo } from '@ivm/adapters-dynamodb/testing';
import { createTestDatabase, type TestDatabase } from '@ivm/adapters-postgres/testing';
import { startOpenSearchTestServer, type OpenSearchTestServer } from '@ivm/adapters-opensearch/testing';
import { startWebhookReceiver, type WebhookReceiver } from '@ivm/adapters-webhook/testing';
import { freePort, ROOT, TSX } from './process-helpers';

/*
 * Production's shape as processes: `npm run api` and two `npm run worker` on one shared DynamoDB
 * and one PostgreSQL (no embedded engine in any of them), deploying in the background to a
 * webhook receiver and to OpenSearch (the test server) — through an OpenSearch outage that opens
 * the workers' circuit breakers —; then SIGTERM, and every process exits 0.
 */

const PRODUCTS = 12;

interface Proc {
  readonly child: ChildProcess;
  output: string;
}

function start(script: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(TSX, [script, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc: Proc = { child, output: '' };
  child.stdout?.on('data', (chunk: Buffer) => (proc.output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (proc.output += chunk.toString()));
  return proc;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, procs: readonly Proc[] = []): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${procs.map((p) => p.output.slice(-3000)).join('\n---\n')}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

const exitCode = (proc: Proc): Promise<number | null> =>
  proc.child.exitCode !== null ? Promise.resolve(proc.child.exitCode) : new Promise((done) => proc.child.once('exit', (code) => done(code)));

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  // The caller's environment must not leak in (an OPENSEARCH_URL of a real cluster, say); `extra` may set these again.
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info' };
  for (const name of ['IVM_API_KEYS', 'IVM_ADMIN_KEYS', 'OPENSEARCH_URL', 'IVM_DATA_DIR']) delete env[name];
  return { ...env, ...extra };
}

describe('npm run api and npm run worker, as processes on shared engines', () => {
  it('refuse to start without DYNAMODB_ENDPOINT and DATABASE_URL, naming both', async () => {
    const env = baseEnv({});
    delete env['DYNAMODB_ENDPOINT'];
    delete env['DATABASE_URL'];
    const api = start('apps/api/src/main.ts', ['api'], env);
    const worker = start('apps/worker/src/main.ts', [], env);
    expect(await exitCode(api)).toBe(1);
    expect(await exitCode(worker)).toBe(1);
    for (const proc of [api, worker])
      expect(proc.output).toMatch(/Invalid configuration: (DYNAMODB_ENDPOINT and DATABASE_URL|DATABASE_URL and DYNAMODB_ENDPOINT) are required/);
  }, 60_000);

  describe('one api and two workers', () => {
    let dynamo: TestDynamo;
    let database: TestDatabase;
    let receiver: WebhookReceiver;
    let opensearch: OpenSearchTestServer;
    const procs: Proc[] = [];
    let url: string;

    beforeAll(async () => {
      [dynamo, database, receiver, opensearch] = await Promise.all([
        startTestDynamo(),
        createTestDatabase(),
        startWebhookReceiver(),
        startOpenSearchTestServer(),
      ]);
      const shared = {
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        DATABASE_URL: database.connectionString,
        IVM_TABLE_PREFIX: dynamo.tablePrefix,
        PERSONALIZE_WEBHOOK_URL: receiver.url,
        OPENSEARCH_URL: opensearch.url,
        // Quick retries and a quick breaker, so the outage below opens and closes it within the test.
        IVM_TASK_BACKOFF_BASE_MS: '200',
        IVM_SINK_BREAKER_FAILURES: '2',
        IVM_SINK_BREAKER_OPEN_MS: '300',
      };
      const port = await freePort();
      url = `http://127.0.0.1:${port}/v1/tenants/demo`;
      procs.push(start('apps/api/src/main.ts', ['api'], baseEnv({ ...shared, PORT: String(port) })));
      for (let i = 0; i < 2; i++) procs.push(start('apps/worker/src/main.ts', [], baseEnv({ ...shared, WORKER_PORT: '0', IVM_WORKER_POLL_MS: '200' })));
      await until(
        'the api and both workers to start',
        () => procs[0]?.output.includes('IVM API listening') === true && procs.slice(1).every((p) => p.output.includes('worker started')),
        90_000,
        procs,
      );
    }, 120_000);

    afterAll(async () => {
      for (const proc of procs) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
      await receiver?.close();
      await opensearch?.close();
      await database?.drop();
      await dynamo?.close();
    }, 60_000);

    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: 'Bearer dev-key', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as { jobId: string; state: string } };
    };
    const product = (sku: string) => ({
      entityType: 'product',
      entityId: sku,
      version: 1,
      data: { sku, name: `Product ${sku}`, brand_id: 'B1', category_ids: ['C1'], price: 100, currency: 'KRW', status: 'ACTIVE' },
    });

    /** What storefront search sees: the documents behind the `products` alias (tombstones hidden), after a refresh. */
    const searchProducts = async (): Promise<[string, string | undefined][]> => {
      await fetch(`${opensearch.url}/products-ivm/_refresh`, { method: 'POST' });
      const response = await fetch(`${opensearch.url}/products/_search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: { match_all: {} }, size: 100, sort: [{ sku: 'asc' }] }),
      });
      const body = (await response.json()) as { hits: { hits: { _id: string; _source: { brand_name?: string } }[] } };
      return body.hits.hits.map((hit) => [hit._id, hit._source.brand_name]);
    };
    const metricsUrls = () =>
      procs.slice(1).map((p) => {
        const port = /worker health and metrics on http:\/\/[^:]+:(\d+)/.exec(p.output)?.[1];
        return `http://127.0.0.1:${port}/metrics`;
      });
    const breakerOpenSomewhere = async () => {
      const texts = await Promise.all(metricsUrls().map(async (u) => (await fetch(u)).text()));
      return texts.some((t) => t.includes('ivm_sink_breaker_state{sink="opensearch-products"} 2'));
    };
    const expected = (name: string) => Array.from({ length: PRODUCTS }, (_, i): [string, string] => [`demo:P${i}`, name]).sort();

    it('deploys in the background through the workers, ships every document through an OpenSearch outage, and a rename reaches every product', async () => {
      const brand = await call('POST', '/deploys', { records: [{ entityType: 'brand', entityId: 'B1', version: 1, data: { brand_id: 'B1', name: 'Acme' } }] });
      expect(brand.body.state).toBe('DONE');
      const async = { compile: 'async', ship: { mode: 'async', sinks: ['personalize', 'opensearch-products'] } };
      opensearch.faults.outage('refuse');
      const jobs = await Promise.all(Array.from({ length: PRODUCTS }, (_, i) => call('POST', '/deploys', { records: [product(`P${i}`)], ...async })));
      expect(jobs.map((j) => j.status)).toEqual(jobs.map(() => 202));
      const done = async (jobIds: string[]) => (await Promise.all(jobIds.map((id) => call('GET', `/deploys/${id}`)))).every((j) => j.body.state === 'DONE');
      await until("a worker's OpenSearch breaker to open", breakerOpenSomewhere, 60_000, procs);
      // The webhook sink is not held up by the dead one.
      await until('the receiver to hold every product', () => receiver.documents().filter((d) => d.tenantId === 'demo').length === PRODUCTS, 60_000, procs);
      expect(await done(jobs.map((j) => j.body.jobId))).toBe(false);
      opensearch.faults.restore();
      await until('every product deploy to be DONE', () => done(jobs.map((j) => j.body.jobId)), 90_000, procs);
      expect(await searchProducts()).toEqual(expected('Acme'));

      const rename = await call('POST', '/deploys', {
        records: [{ entityType: 'brand', entityId: 'B1', version: 2, data: { brand_id: 'B1', name: 'Acme Corp' } }],
        ...async,
        cutover: 'done',
      });
      await until('the rename to be DONE', () => done([rename.body.jobId]), 60_000, procs);
      const held = receiver.documents().filter((d) => d.tenantId === 'demo');
      expect(held.map((d) => [d.docId, (d.document as { brand_name?: string } | null)?.brand_name])).toEqual(expected('Acme Corp'));
      expect(await searchProducts()).toEqual(expected('Acme Corp'));
      // Both workers took part.
      const owners = new Set(procs.slice(1).map((p) => (/"owner":"(worker:[^"]+)"/.exec(p.output) ?? [])[1]));
      expect(owners.size).toBe(2);
    }, 180_000);

    it('stops every process on SIGTERM with exit code 0', async () => {
      for (const proc of procs) proc.child.kill('SIGTERM');
      expect(await Promise.all(procs.map(exitCode))).toEqual([0, 0, 0]);
    }, 60_000);
  });
});
