import { requireSinkUrl } from '@ivm/application';
import { createWebhookSink, WEBHOOK_DEFAULTS } from '@ivm/adapters-webhook';
import { startWebhookReceiver } from '@ivm/adapters-webhook/testing';
import { createInMemoryStores } from '@ivm/domain';
import { Ivm, IvmApiError, type DeployJobView, type IvmClient } from '@ivm/sdk';
import { sampleProduct as product } from '@ivm/sdk/testing';
import { KEY, OTHER_TENANT, TENANT } from '../testing/http-harness';
import { playWorker } from '../testing/play-worker';
import { useTestApiWithReceiver } from '../testing/use-test-api';

/*
 * The SDK over HTTP against the real API (fastify, on dynalite), and the same calls in process:
 * the answers must be the same, field for field, apart from ids and times.
 */

/** The answer without what differs between two runs (ids, times). */
function comparable(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v: unknown) => (['jobId', 'taskId', 'at', 'createdAt'].includes(key) ? '…' : v));
}

/** A scenario through the SDK: every deploy style, a view, a batch, and the errors; `work` plays the worker. */
async function scenario(ivm: IvmClient, work: () => Promise<void>): Promise<unknown[]> {
  const out: unknown[] = [];
  const step = async (promise: Promise<unknown>) =>
    out.push(
      await promise.catch((error: unknown) => (error instanceof IvmApiError ? { code: error.code, status: error.status, details: error.details } : error)),
    );
  const finish = async (job: DeployJobView) => {
    await work();
    return ivm.deploy.wait(job.jobId, { timeoutMs: 5_000, pollMs: 10 });
  };
  await step(
    ivm
      .ingest()
      .brand({ brand_id: 'B1', name: 'Acme' }, { version: 1 })
      .product(product('ABC-123'), { version: 1 })
      .deployNowAndShipNow((s) => s.personalize()),
  );
  await step(
    ivm
      .ingest()
      .product(product('ABC-123', { price: 15000 }), { version: 2 })
      .deployNow((s) => s.personalize())
      .then(finish),
  );
  const queued = await ivm
    .ingest()
    .brand({ brand_id: 'B1', name: 'Acme Corp' }, { version: 2 })
    .deployQueued((s) => s.personalize());
  out.push(queued);
  await step(finish(queued));
  await step(ivm.views.productDetail.get('ABC-123'));
  await step(ivm.views.productDetail.get('ABC-123', { version: 1 }));
  await step(
    ivm
      .ingest()
      .products([
        { doc: product('A'), version: 1 },
        { doc: product('B'), version: 1 },
      ])
      .deleteProduct('A', { version: 2 })
      .insert(),
  );
  await step(
    ivm
      .ingest()
      .product({ ...product('X'), price: -5 }, { version: 1 })
      .deploy((d) => d.compile.sync()),
  );
  await step(ivm.ingest().brand({ brand_id: 'B1', name: 'Other' }, { version: 1 }).insert());
  await step(
    ivm
      .ingest()
      .brand({ brand_id: 'B1', name: 'Acme' }, { version: 1 })
      .deployNow((s) => s.opensearchProducts()),
  );
  await step(ivm.views.productDetail.get('NOPE'));
  const keyed = ivm.ingest().brand({ brand_id: 'B7', name: 'Seven' }, { version: 1 });
  const first = await keyed.deploy((d) => d.compile.sync(), { idempotencyKey: 'import-7' });
  const again = await keyed.deploy((d) => d.compile.sync(), { idempotencyKey: 'import-7' });
  out.push({ sameJob: first.jobId === again.jobId, again });
  return out;
}

describe('the SDK against the real API, and in process', () => {
  const { api, receiver } = useTestApiWithReceiver();
  let client: IvmClient;
  let httpResults: unknown[] = [];

  beforeAll(() => {
    client = Ivm.client({ baseUrl: api.url, apiKey: KEY, tenant: TENANT });
  });
  afterAll(() => client.close());

  /** The API's outbox run to the end by "a worker" (the API under test runs none). */
  const work = async () => {
    await playWorker(api);
  };

  it('runs every deploy style, views, batches and errors over HTTP, as API.md describes them', async () => {
    const results = (httpResults = await scenario(client, work));
    const [shipNow, now, queued, queuedDone, view, viewV1, inserted, schema, conflict, unconfigured, missing, keyed] = results as [
      DeployJobView,
      DeployJobView,
      DeployJobView,
      DeployJobView,
      ...unknown[],
    ];
    expect(shipNow).toMatchObject({ state: 'DONE', compile: 'sync', ship: { mode: 'sync', sinks: ['personalize'] } });
    expect(now).toMatchObject({ state: 'DONE', ship: { mode: 'async' } });
    expect(queued).toMatchObject({ state: 'QUEUED', compile: 'async' });
    expect(queuedDone.transitions.map((t) => t.state)).toEqual(['QUEUED', 'RUNNING', 'READY', 'SINKING', 'DONE']);
    expect(view).toMatchObject({ version: 2, data: { sku: 'ABC-123', price: 15000, brand_name: 'Acme Corp' } });
    expect(viewV1).toMatchObject({ version: 1, data: { price: 19000 } });
    expect((inserted as { entityKey: string; deleted: boolean }[]).map((w) => [w.entityKey, w.deleted])).toEqual([
      ['product#A', false],
      ['product#B', false],
      ['product#A', true],
    ]);
    expect(schema).toMatchObject({ code: 'SCHEMA_VIOLATION', status: 422, details: [expect.objectContaining({ path: expect.stringContaining('/price') })] });
    expect(conflict).toMatchObject({ code: 'VERSION_CONFLICT', status: 409 });
    expect(unconfigured).toMatchObject({ code: 'SINK_NOT_CONFIGURED', status: 422 });
    expect(missing).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(keyed).toMatchObject({ sameJob: true });
    expect(receiver().held(TENANT, `${TENANT}:ABC-123`)?.document).toMatchObject({ price: 15000, brand_name: 'Acme Corp' });
  });

  it('answers the same in process as over HTTP (field for field, but ids and times)', async () => {
    const localReceiver = await startWebhookReceiver();
    const env = (name: string) => (name === 'PERSONALIZE_WEBHOOK_URL' ? localReceiver.url : undefined);
    const local = Ivm.inProcess({
      tenant: TENANT,
      registry: api.registry,
      stores: createInMemoryStores(),
      sinks: { plugins: [createWebhookSink({ resolveUrl: (sink) => requireSinkUrl(sink, env), ...WEBHOOK_DEFAULTS })], env },
      worker: { pollMs: 10 },
    });
    try {
      // Its own worker runs the queued tasks; over HTTP the test played the worker.
      const offline = await scenario(local, async () => undefined);
      // SINK_NOT_CONFIGURED says why in this process: here no OpenSearch plugin at all, there no OPENSEARCH_URL.
      const why = (results: unknown[]) =>
        comparable(results.map((r) => ((r as { code?: string }).code === 'SINK_NOT_CONFIGURED' ? { ...(r as object), details: '…' } : r)));
      expect(why(offline)).toEqual(why(httpResults));
    } finally {
      await local.close();
      await localReceiver.close();
    }
  });

  it('maps auth failures to typed errors: an unknown key (401), another tenant (403)', async () => {
    const stranger = Ivm.client({ baseUrl: api.url, apiKey: 'nope', tenant: TENANT, retry: { attempts: 1 } });
    await expect(stranger.views.productDetail.get('ABC-123')).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    const trespasser = Ivm.client({ baseUrl: api.url, apiKey: KEY, tenant: OTHER_TENANT, retry: { attempts: 1 } });
    await expect(trespasser.views.productDetail.get('ABC-123')).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
  });
});
