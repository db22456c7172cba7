import { runInline } from '@ivm/application';
import { compileFlightKey } from '@ivm/domain';
import { ADMIN_KEY, brandDoc, productDoc, TENANT, TEST_LEASE_MS, TEST_RETRY_POLICY } from './testing/http-harness';
import { playWorker } from './testing/play-worker';
import { useTestApiWithReceiver } from './testing/use-test-api';

const { api, receiver } = useTestApiWithReceiver();

const DEPLOYS = `/v1/tenants/${TENANT}/deploys`;
const brand = (id: string, name: string, version = 1) => ({ entityType: 'brand', entityId: id, version, data: brandDoc(id, name) });
const product = (sku: string, version = 1, extra: Record<string, unknown> = {}) => ({
  entityType: 'product',
  entityId: sku,
  version,
  data: productDoc(sku, 'B1', extra),
});
const PERSONALIZE = { mode: 'async', sinks: ['personalize'] };

const work = playWorker;

describe('POST/GET deploys', () => {
  it('compile sync + ship async: 200 READY at once, a worker ships to the webhook, the status tells every step', async () => {
    const created = await api.request('POST', DEPLOYS, { body: { records: [brand('B1', 'Acme'), product('D1')], ship: PERSONALIZE } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      state: 'READY',
      compile: 'sync',
      ship: PERSONALIZE,
      cutover: 'ready',
      records: [
        { entityKey: 'brand#B1', version: 1 },
        { entityKey: 'product#D1', version: 1 },
      ],
    });
    const { jobId } = created.body as { jobId: string };
    expect(await work(api)).toBe(1);
    const status = await api.request('GET', `${DEPLOYS}/${jobId}`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      jobId,
      state: 'DONE',
      transitions: ['QUEUED', 'RUNNING', 'READY', 'SINKING', 'DONE'].map((state) => ({ state, at: expect.stringMatching(/Z$/) })),
    });
    expect(receiver().held(TENANT, `${TENANT}:D1`)).toMatchObject({ document: { sku: 'D1', brand_name: 'Acme' } });
    expect(api.takeUndeclaredFields()).toEqual([]);
  });

  it('compile async: 202 QUEUED; the same Idempotency-Key answers the same job, another body 409', async () => {
    const body = { records: [product('D2')], compile: 'async', ship: PERSONALIZE, cutover: 'done' };
    const first = await api.request('POST', DEPLOYS, { body, headers: { 'idempotency-key': 'deploy-d2' } });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ state: 'QUEUED', tasks: [{ type: 'COMPILE_TASK', status: 'PENDING', attempt: 0 }] });
    const again = await api.request('POST', DEPLOYS, { body, headers: { 'idempotency-key': 'deploy-d2' } });
    expect(again.status).toBe(202);
    expect((again.body as { jobId: string }).jobId).toBe((first.body as { jobId: string }).jobId);
    const other = await api.request('POST', DEPLOYS, { body: { ...body, cutover: 'ready' }, headers: { 'idempotency-key': 'deploy-d2' } });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(await work(api)).toBe(2);
    const done = await api.request('GET', `${DEPLOYS}/${(first.body as { jobId: string }).jobId}`);
    expect(done.body).toMatchObject({ state: 'DONE' });
  });

  it('compile sync while a worker compiles the same entity: 202 RUNNING (a conflict), and a worker finishes it once the entity is free', async () => {
    const queued = await api.request('POST', DEPLOYS, { body: { records: [product('D9')], compile: 'async', ship: null } });
    const jobId = (queued.body as { jobId: string }).jobId;
    const claimed = await api.deploys.outbox.claim('other-worker', 10, TEST_LEASE_MS);
    const holder = claimed.find((c) => c.task.payload.jobId === jobId);
    if (!holder) throw new Error('the queued compile was not claimed');
    await api.deploys.outbox.release(claimed.filter((c) => c !== holder).map((c) => c.lease));
    // The worker's compile holds D9's flight, as its handler takes it before slicing.
    const flight = compileFlightKey({ tenantId: TENANT, entityKey: 'product#D9', ruleSet: api.registry.ruleSet('product') });
    expect(await api.deploys.outbox.acquireFlights(holder.lease, [flight], TEST_LEASE_MS)).toBe('acquired');

    const sync = await api.request('POST', DEPLOYS, { body: { records: [product('D9', 2, { price: 2000 })], ship: null } });
    expect(sync.status).toBe(202);
    expect(sync.body).toMatchObject({
      state: 'RUNNING',
      tasks: [{ type: 'COMPILE_TASK', status: 'PENDING', attempt: 1, lastError: { code: 'CONCURRENCY_CONFLICT' } }],
    });

    const settings = { leaseMs: TEST_LEASE_MS, retry: TEST_RETRY_POLICY };
    await expect(runInline(api.deploys.outbox, holder, api.deployServices.handlers.COMPILE_TASK, settings)).resolves.toEqual({ settled: 'OK' });
    expect(await work(api)).toBe(1);
    const done = await api.request('GET', `${DEPLOYS}/${(sync.body as { jobId: string }).jobId}`);
    expect(done.body).toMatchObject({ state: 'DONE', tasks: [{ status: 'SUCCESS', attempt: 2 }] });
  });

  it('refuses what cannot be deployed, storing nothing: 400 async + sync, 422 schema with paths, 422 unconfigured sink, 400 unknown sink', async () => {
    const cases: [unknown, number, string][] = [
      [{ records: [product('D3')], compile: 'async', ship: { mode: 'sync', sinks: ['personalize'] } }, 400, 'ILLEGAL_DEPLOY_COMBINATION'],
      [{ records: [product('D3'), { ...product('D4'), data: { sku: 'D4' } }] }, 422, 'SCHEMA_VIOLATION'],
      [{ records: [product('D3')], ship: { mode: 'async', sinks: ['opensearch-products'] } }, 422, 'SINK_NOT_CONFIGURED'],
      [{ records: [product('D3')], ship: { mode: 'async', sinks: ['nope'] } }, 400, 'INVALID_DEPLOY_REQUEST'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await api.request('POST', DEPLOYS, { body });
      expect([answer.status, (answer.body as { error: { code: string } }).error.code]).toEqual([status, code]);
    }
    const schema = await api.request('POST', DEPLOYS, { body: cases[1]?.[0] });
    expect((schema.body as { error: { details: { path: string }[] } }).error.details.map((d) => d.path)).toContain('/records/1/data/name');
    expect((await api.request('GET', `/v1/tenants/${TENANT}/raw/product/D3/versions/latest`)).status).toBe(404);
  });

  it('GET an unknown or another tenant’s job: 404 / 403', async () => {
    expect((await api.request('GET', `${DEPLOYS}/nope`)).status).toBe(404);
    expect((await api.request('GET', `/v1/tenants/globex/deploys/nope`)).status).toBe(403);
  });
});

describe('admin outbox', () => {
  it('lists DEAD tasks and re-drives one; needs an admin key', async () => {
    receiver().fail({ status: 500, times: Infinity });
    const created = await api.request('POST', DEPLOYS, { body: { records: [product('D9')], ship: PERSONALIZE } });
    const { jobId } = created.body as { jobId: string };
    expect(await work(api)).toBe(3); // maxAttempts 3, no backoff in the test API
    const dead = await api.request('GET', '/v1/admin/outbox?status=DEAD', { key: ADMIN_KEY });
    expect(dead.status).toBe(200);
    expect(dead.body).toEqual({
      tasks: [
        expect.objectContaining({
          type: 'SHIP_TASK',
          status: 'DEAD',
          attempt: 3,
          jobId,
          tenantId: TENANT,
          lastError: expect.objectContaining({ code: 'SINK_UNAVAILABLE' }),
        }),
      ],
    });
    const status = await api.request('GET', `${DEPLOYS}/${jobId}`);
    expect(status.body).toMatchObject({ state: 'SINKING', error: { code: 'SINK_UNAVAILABLE' } });
    expect((await api.request('GET', '/v1/admin/outbox?status=DEAD')).status).toBe(403);
    const { taskId } = (dead.body as { tasks: { taskId: string }[] }).tasks[0] as { taskId: string };
    receiver().reset();
    const redriven = await api.request('POST', `/v1/admin/outbox/${taskId}/redrive`, { key: ADMIN_KEY });
    expect([redriven.status, redriven.body]).toEqual([200, { taskId, status: 'PENDING' }]);
    expect((await api.request('POST', `/v1/admin/outbox/${taskId}/redrive`, { key: ADMIN_KEY })).status).toBe(409);
    expect((await api.request('POST', `/v1/admin/outbox/nope/redrive`, { key: ADMIN_KEY })).status).toBe(404);
    await work(api);
    expect((await api.request('GET', `${DEPLOYS}/${jobId}`)).body).toMatchObject({ state: 'DONE' });
  });
});
