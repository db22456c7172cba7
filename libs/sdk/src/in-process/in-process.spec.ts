import { createInMemoryStores } from '@ivm/domain';
import { registryFromSources, sampleContractSources, sampleRegistry } from '@ivm/domain/testing';
import { RecordingSink, sampleProduct as product } from '../../testing';
import { CatalogMismatchError, ClientClosedError, DeployWaitTimeoutError, IvmApiError } from '../core';
import { Ivm, type IvmClient, type Product } from '../index';

describe('Ivm.inProcess: the application services behind the SDK interface', () => {
  let webhook: RecordingSink;
  let ivm: IvmClient;

  beforeEach(() => {
    webhook = new RecordingSink('webhook');
    ivm = Ivm.inProcess({
      tenant: 'demo',
      registry: sampleRegistry(),
      stores: createInMemoryStores(),
      sinks: { plugins: [webhook], env: (name) => (name === 'PERSONALIZE_WEBHOOK_URL' ? 'http://receiver.test/hook' : undefined) },
      worker: { pollMs: 10 },
    });
  });
  afterEach(() => ivm.close());

  it('deployNow compiles in the call and ships in the worker; wait sees DONE, the view and the sink follow', async () => {
    const job = await ivm
      .ingest()
      .brand({ brand_id: 'B1', name: 'Acme' }, { version: 1 })
      .product(product('ABC-123'), { version: 1 })
      .deployNow((s) => s.personalize());
    expect(job).toMatchObject({ state: 'READY', compile: 'sync', ship: { mode: 'async', sinks: ['personalize'] }, cutover: 'ready' });
    expect(job.records).toEqual([
      { entityKey: 'brand#B1', version: 1 },
      { entityKey: 'product#ABC-123', version: 1 },
    ]);

    const done = await ivm.deploy.wait(job.jobId, { timeoutMs: 5_000 });
    expect(done.state).toBe('DONE');
    expect(done.transitions.map((t) => t.state)).toEqual(['QUEUED', 'RUNNING', 'READY', 'SINKING', 'DONE']);

    const page = await ivm.views.productDetail.get('ABC-123');
    expect(page).toMatchObject({ view: 'product-detail', entityKey: 'product#ABC-123', version: 1 });
    expect(page.data).toMatchObject({ sku: 'ABC-123', brand_name: 'Acme', price: 19000 });
    expect(webhook.documents('personalize').get('demo:ABC-123')).toMatchObject({ brand_name: 'Acme' });
  });

  it('deployQueued answers QUEUED at once; the worker compiles and ships, and a rename fans out', async () => {
    await ivm
      .ingest()
      .brand({ brand_id: 'B1', name: 'Acme' }, { version: 1 })
      .products([
        { doc: product('A'), version: 1 },
        { doc: product('B'), version: 1 },
      ])
      .deployNowAndShipNow((s) => s.personalize());
    const job = await ivm
      .ingest()
      .brand({ brand_id: 'B1', name: 'Acme Corp' }, { version: 2 })
      .deployQueued((s) => s.personalize());
    expect(job.state).toBe('QUEUED');
    expect((await ivm.deploy.wait(job.jobId, { timeoutMs: 5_000 })).state).toBe('DONE');
    expect((await ivm.views.productDetail.get('B')).data.brand_name).toBe('Acme Corp');
    expect(webhook.documents('personalize').get('demo:A')).toMatchObject({ brand_name: 'Acme Corp' });
  });

  it('deployNowAndShipNow answers DONE; deploy(d => d.compile.sync()) compiles only; the spelled-out axes reach the job', async () => {
    const shipped = await ivm
      .ingest()
      .product(product('A'), { version: 1 })
      .deployNowAndShipNow((s) => s.personalize());
    expect(shipped.state).toBe('DONE');
    const compiled = await ivm
      .ingest()
      .product(product('A', { price: 1 }), { version: 2 })
      .deploy((d) => d.compile.sync());
    expect(compiled).toMatchObject({ state: 'DONE', ship: null });
    const spelled = await ivm
      .ingest()
      .product(product('A', { price: 2 }), { version: 3 })
      .deploy((d) =>
        d.compile
          .async()
          .ship.async((s) => s.personalize().personalize())
          .cutover.done(),
      );
    expect(spelled).toMatchObject({ state: 'QUEUED', compile: 'async', ship: { mode: 'async', sinks: ['personalize'] }, cutover: 'done' });
    expect((await ivm.deploy.wait(spelled.jobId, { timeoutMs: 5_000 })).state).toBe('DONE');
    expect((await ivm.views.productDetail.get('A')).data.price).toBe(2);
  });

  it('a retried deploy with the same idempotency key answers the same job and applies nothing again', async () => {
    const ingest = ivm.ingest().brand({ brand_id: 'B1', name: 'Acme' }, { version: 1 });
    const first = await ingest.deploy((d) => d.compile.sync(), { idempotencyKey: 'import-42' });
    const again = await ingest.deploy((d) => d.compile.sync(), { idempotencyKey: 'import-42' });
    expect(again.jobId).toBe(first.jobId);
    expect(again.transitions).toEqual(first.transitions);
    // Without a key of its own, each call is its own deploy (the key is generated per call).
    const other = await ingest.deploy((d) => d.compile.sync());
    expect(other.jobId).not.toBe(first.jobId);
  });

  it('insert() stores raw versions only, in order; an identical replay is not created again', async () => {
    const ingest = ivm.ingest().brand({ brand_id: 'B1', name: 'Acme' }, { version: 1 }).deleteBrand('B1', { version: 2 });
    const written = await ingest.insert();
    expect(written.map((w) => [w.entityKey, w.version, w.deleted, w.created])).toEqual([
      ['brand#B1', 1, false, true],
      ['brand#B1', 2, true, true],
    ]);
    expect((await ingest.insert()).map((w) => w.created)).toEqual([false, false]);
  });

  it("API errors arrive as IvmApiError with the API's code, status and details", async () => {
    const bad = { ...product('A'), price: -1 } as Product;
    const schema = await ivm
      .ingest()
      .product(bad, { version: 1 })
      .deploy((d) => d.compile.sync())
      .catch((e: unknown) => e);
    expect(schema).toBeInstanceOf(IvmApiError);
    expect(schema).toMatchObject({ code: 'SCHEMA_VIOLATION', status: 422 });
    expect((schema as IvmApiError).details).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining('/price') })]));

    await ivm.ingest().brand({ brand_id: 'B1', name: 'Acme' }, { version: 1 }).insert();
    const conflict = await ivm
      .ingest()
      .brand({ brand_id: 'B1', name: 'Other' }, { version: 1 })
      .insert()
      .catch((e: unknown) => e);
    expect(conflict).toMatchObject({ code: 'VERSION_CONFLICT', status: 409 });
    expect((conflict as IvmApiError).is('VERSION_CONFLICT')).toBe(true);

    const unconfigured = await ivm
      .ingest()
      .brand({ brand_id: 'B1', name: 'Acme' }, { version: 1 })
      .deployNow((s) => s.opensearchProducts())
      .catch((e: unknown) => e);
    expect(unconfigured).toMatchObject({ code: 'SINK_NOT_CONFIGURED', status: 422 });

    const missing = await ivm.views.productDetail.get('NOPE').catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('refuses async compile with sync ship even from JavaScript (no such method at run time)', () => {
    const ingest = ivm.ingest().brand({ brand_id: 'B1', name: 'Acme' }, { version: 1 });
    const plan = (d: unknown) => (d as { compile: { async(): { ship: { sync(pick: unknown): never } } } }).compile.async().ship.sync((s: unknown) => s);
    expect(() => ingest.deploy(plan as never)).toThrow(TypeError);
  });

  it('deploy.wait gives up after timeoutMs with the last status when no worker runs', async () => {
    const idle = Ivm.inProcess({ tenant: 'demo', registry: sampleRegistry(), stores: createInMemoryStores(), worker: false });
    try {
      const job = await idle
        .ingest()
        .brand({ brand_id: 'B1', name: 'Acme' }, { version: 1 })
        .deploy((d) => d.compile.async());
      const error = await idle.deploy.wait(job.jobId, { timeoutMs: 50, pollMs: 10 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeployWaitTimeoutError);
      expect(error).toMatchObject({ code: 'SDK_WAIT_TIMEOUT', job: { jobId: job.jobId, state: 'QUEUED' } });
    } finally {
      await idle.close();
    }
  });

  it('fails fast on contracts that lack what the SDK was generated for, naming each', () => {
    const without = registryFromSources(sampleContractSources().filter((source) => source.path !== 'sinks/personalize.yaml'));
    let error: unknown;
    try {
      Ivm.inProcess({ tenant: 'demo', registry: without, stores: createInMemoryStores() });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CatalogMismatchError);
    expect(error).toMatchObject({ code: 'SDK_CATALOG_MISMATCH', details: [{ path: '/sinks/personalize', message: 'no Sink personalize' }] });
  });

  it('refuses calls once closed', async () => {
    await ivm.close();
    await expect(ivm.views.productDetail.get('A')).rejects.toBeInstanceOf(ClientClosedError);
    await ivm.close();
  });

  it("lists the contracts with each sink's availability", async () => {
    const listing = await ivm.contracts();
    expect(listing.find((c) => c.id === 'personalize')).toMatchObject({ kind: 'Sink', configured: true });
    expect(listing.find((c) => c.id === 'opensearch-products')).toMatchObject({ kind: 'Sink', configured: false });
  });
});
