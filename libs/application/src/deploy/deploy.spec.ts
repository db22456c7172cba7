import { IdempotencyKeyReusedError, InvalidDeployRequestError, SchemaViolationError, VersionConflictError } from '@ivm/domain';
import { brand, deployWorld, product, T } from './testing/deploy-harness';

const SHIP = { mode: 'async', sinks: ['opensearch-products'] } as const;
const states = (job: { transitions: readonly { state: string }[] }) => job.transitions.map((t) => t.state);

describe('deploy: compile sync', () => {
  it('ingests, compiles and cuts over in the request; nothing to ship ends DONE', async () => {
    const w = deployWorld();
    const { job, accepted } = await w.api.createDeploy({ tenantId: T, body: { records: [brand('B1', 'Acme'), product('P1')] } });
    expect(accepted).toBe(false);
    expect(job).toMatchObject({
      state: 'DONE',
      records: [
        { entityKey: 'brand#B1', version: 1 },
        { entityKey: 'product#P1', version: 1 },
      ],
    });
    expect(states(job)).toEqual(['QUEUED', 'RUNNING', 'READY', 'DONE']);
    expect(job.tasks).toEqual([expect.objectContaining({ type: 'COMPILE_TASK', status: 'SUCCESS', attempt: 1 })]);
    expect((await w.view('P1')).data).toMatchObject({ brand_name: 'Acme', price: 1000 });
    expect(await w.work()).toEqual([]);
  });

  it('with ship async answers READY (pointer moved), and a worker ships to DONE', async () => {
    const w = deployWorld();
    const { job } = await w.api.createDeploy({ tenantId: T, body: { records: [brand('B1', 'Acme'), product('P1')], ship: SHIP } });
    expect(job.state).toBe('READY');
    expect((await w.head('product#P1'))?.active?.version).toBe(1);
    expect(w.sink.deliveries).toEqual([]);
    await w.work();
    const done = await w.api.deployStatus({ tenantId: T, jobId: job.jobId });
    expect(states(done)).toEqual(['QUEUED', 'RUNNING', 'READY', 'SINKING', 'DONE']);
    expect(w.sink.document('acme:P1')).toMatchObject({ sku: 'P1', brand_name: 'Acme' });
  });

  it('with ship sync ships in the request', async () => {
    const w = deployWorld();
    const { job } = await w.api.createDeploy({ tenantId: T, body: { records: [brand('B1', 'Acme'), product('P1')], ship: { ...SHIP, mode: 'sync' } } });
    expect(job.state).toBe('DONE');
    expect(w.sink.document('acme:P1')).toMatchObject({ brand_name: 'Acme' });
  });

  it('cutover done: a failed ship never exposes the new version; a successful one does', async () => {
    const w = deployWorld();
    await w.api.createDeploy({ tenantId: T, body: { records: [brand('B1', 'Acme'), product('P1')] } });
    w.sink.failNext(1, 'rejected');
    const failed = await w.api.createDeploy({
      tenantId: T,
      body: { records: [product('P1', 2, { price: 2000 })], ship: { ...SHIP, mode: 'sync' }, cutover: 'done' },
    });
    expect(failed.job).toMatchObject({ state: 'FAILED', error: { code: 'SINK_REJECTED' } });
    expect((await w.view('P1')).data).toMatchObject({ price: 1000 });
    expect((await w.head('product#P1'))?.active?.version).toBe(1);

    const ok = await w.api.createDeploy({ tenantId: T, body: { records: [product('P1', 3, { price: 3000 })], ship: SHIP, cutover: 'done' } });
    expect(ok.job.state).toBe('READY');
    expect((await w.view('P1')).data).toMatchObject({ price: 1000 });
    await w.work();
    expect((await w.view('P1')).data).toMatchObject({ price: 3000 });
    expect(await w.api.deployStatus({ tenantId: T, jobId: ok.job.jobId })).toMatchObject({ state: 'DONE' });
  });
});

describe('deploy: compile async', () => {
  it('answers QUEUED, and the worker compiles then ships (the chained SHIP_TASK)', async () => {
    const w = deployWorld();
    const { job, accepted } = await w.api.createDeploy({
      tenantId: T,
      body: { records: [brand('B1', 'Acme'), product('P1')], compile: 'async', ship: SHIP, cutover: 'done' },
    });
    expect({ state: job.state, accepted }).toEqual({ state: 'QUEUED', accepted: true });
    const ran = await w.work();
    expect(ran.map((c) => c.task.type)).toEqual(['COMPILE_TASK', 'SHIP_TASK']);
    const done = await w.api.deployStatus({ tenantId: T, jobId: job.jobId });
    expect(states(done)).toEqual(['QUEUED', 'RUNNING', 'READY', 'SINKING', 'DONE']);
    expect((await w.view('P1')).data).toMatchObject({ brand_name: 'Acme' });
  });

  it('a brand rename ships every affected parent document with a higher revision at the same product version', async () => {
    const w = deployWorld();
    await w.api.createDeploy({ tenantId: T, body: { records: [brand('B1', 'Acme'), product('P1'), product('P2')], ship: SHIP } });
    await w.work();
    const before = w.sink.revision('acme:P1') ?? 0;
    await w.api.createDeploy({ tenantId: T, body: { records: [brand('B1', 'Acme Corp', 2)], compile: 'async', ship: SHIP } });
    await w.work();
    for (const sku of ['P1', 'P2']) expect(w.sink.document(`acme:${sku}`)).toMatchObject({ brand_name: 'Acme Corp' });
    expect(w.sink.revision('acme:P1')).toBeGreaterThan(before);
    const renamed = w.sink.deliveries.filter((d) => d.operation.kind === 'upsert' && d.operation.document['brand_name'] === 'Acme Corp');
    expect(renamed.map((d) => [d.operation.docId, d.operation.version])).toEqual([
      ['acme:P1', 1],
      ['acme:P2', 1],
    ]);
  });
});

describe('deploy: validation and idempotency', () => {
  it('a 4xx stores nothing: every record is validated before the first write', async () => {
    const w = deployWorld();
    await expect(w.api.createDeploy({ tenantId: T, body: { records: [brand('B1', 'Acme'), { ...product('P1'), data: { sku: 'P1' } }] } })).rejects.toThrow(
      SchemaViolationError,
    );
    await expect(
      w.api.createDeploy({ tenantId: T, body: { records: [brand('B1', 'Acme')], compile: 'async', ship: { mode: 'sync', sinks: ['opensearch-products'] } } }),
    ).rejects.toMatchObject({
      code: 'ILLEGAL_DEPLOY_COMBINATION',
    });
    await expect(w.api.createDeploy({ tenantId: T, body: { records: [brand('B1', 'Acme')], ship: { mode: 'async', sinks: ['nope'] } } })).rejects.toMatchObject(
      {
        code: 'INVALID_DEPLOY_REQUEST',
      },
    );
    await w.api.createDeploy({ tenantId: T, body: { records: [brand('B2', 'Other')] } });
    await expect(w.api.createDeploy({ tenantId: T, body: { records: [brand('B1', 'Acme'), brand('B2', 'Changed')] } })).rejects.toThrow(VersionConflictError);
    expect(await w.head('brand#B1')).toBeUndefined();
    expect(await w.deploys.outbox.depth()).toEqual([expect.objectContaining({ type: 'COMPILE_TASK', status: 'SUCCESS', count: 1 })]);
    await expect(w.api.createDeploy({ tenantId: T, body: { records: [] } })).rejects.toThrow(InvalidDeployRequestError);
  });

  it('the same Idempotency-Key and body answer the same job without applying anything again; another body is refused', async () => {
    const w = deployWorld();
    const body = { records: [brand('B1', 'Acme')], ship: SHIP };
    const first = await w.api.createDeploy({ tenantId: T, body, idempotencyKey: 'k-1' });
    const again = await w.api.createDeploy({ tenantId: T, body: { ship: SHIP, records: [brand('B1', 'Acme')] }, idempotencyKey: 'k-1' });
    expect(again).toMatchObject({ replay: true, job: { jobId: first.job.jobId } });
    expect((await w.deploys.outbox.depth()).reduce((n, d) => n + d.count, 0)).toBe(2);
    await expect(w.api.createDeploy({ tenantId: T, body: { records: [brand('B1', 'Acme')] }, idempotencyKey: 'k-1' })).rejects.toThrow(
      IdempotencyKeyReusedError,
    );
    const other = await w.api.createDeploy({ tenantId: T, body, idempotencyKey: 'k-2' });
    expect(other.job.jobId).not.toBe(first.job.jobId);
  });
});

describe('deploy: retries', () => {
  it('a transient sink failure retries with backoff; attempts exhausted leave the task DEAD and the job showing why; a re-drive finishes it', async () => {
    const w = deployWorld();
    const { job } = await w.api.createDeploy({ tenantId: T, body: { records: [brand('B1', 'Acme'), product('P1')], ship: SHIP } });
    w.sink.failNext(3, 'retry');
    for (let attempt = 1; attempt <= 3; attempt++) {
      await w.work();
      w.clock.advance(10 * 60_000);
    }
    const stuck = await w.api.deployStatus({ tenantId: T, jobId: job.jobId });
    expect(stuck.state).toBe('SINKING');
    const [dead] = await w.api.listOutbox({ status: 'DEAD' });
    expect(dead).toMatchObject({ type: 'SHIP_TASK', attempt: 3, lastError: { code: 'SINK_UNAVAILABLE' } });
    await w.api.redriveTask(dead?.taskId ?? 'missing');
    await w.work();
    expect(await w.api.deployStatus({ tenantId: T, jobId: job.jobId })).toMatchObject({ state: 'DONE' });
  });

  it('a sink that is down holds up no other sink: the healthy one has its documents after the first attempt', async () => {
    const w = deployWorld();
    const both = { mode: 'async', sinks: ['personalize', 'opensearch-products'] } as const;
    const { job } = await w.api.createDeploy({ tenantId: T, body: { records: [brand('B1', 'Acme'), product('P1')], ship: both } });
    w.webhook.failNext(1, 'retry');
    await w.work();
    expect(w.sink.document('acme:P1')).toMatchObject({ sku: 'P1', brand_name: 'Acme' });
    expect(w.webhook.document('acme:P1')).toBeUndefined();
    const [retrying] = await w.api.listOutbox({ status: 'PENDING' });
    expect(retrying).toMatchObject({ type: 'SHIP_TASK', attempt: 1, lastError: { code: 'SINK_UNAVAILABLE', message: expect.stringContaining('personalize') } });
    w.clock.advance(10 * 60_000);
    await w.work();
    expect(w.webhook.document('acme:P1')).toMatchObject({ sku: 'P1' });
    // The healthy sink got the same revision again and answered it as held.
    expect(w.sink.deliveries.map((d) => d.status)).toEqual(['applied', 'stale']);
    expect(await w.api.deployStatus({ tenantId: T, jobId: job.jobId })).toMatchObject({ state: 'DONE' });
  });
});
