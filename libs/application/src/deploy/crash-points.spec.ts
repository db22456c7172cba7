import { type ClaimedTask, type Lease } from '@ivm/domain';
import { Crash } from './testing/crash';
import { brand, deployWorld, product, T, type DeployWorld } from './testing/deploy-harness';

/*
 * docs/deploys.md "Crash points": one test per row. A crash is a method that throws Crash and a
 * process that stops there (nothing after it runs, no settle); recovery is what the system does
 * by itself — the lease expires, the reaper gives the task back, a worker runs it — or, before a
 * job exists, the client's retry with the same Idempotency-Key.
 */

const SHIP = { mode: 'async', sinks: ['opensearch-products'] } as const;
const renameBody = { records: [brand('B1', 'Acme Corp', 2)], ship: SHIP };

async function seeded(): Promise<DeployWorld> {
  const w = deployWorld();
  await w.api.createDeploy({ tenantId: T, body: { records: [brand('B1', 'Acme'), product('P1'), product('P2')], ship: SHIP } });
  await w.work();
  return w;
}

/** Leases of every attempt claimed through the outbox (by the world's workers or a create's claimFirst). */
function leases(w: DeployWorld): Lease[] {
  const seen: Lease[] = [];
  const claim = w.deploys.outbox.claim.bind(w.deploys.outbox);
  w.deploys.outbox.claim = async (...args) => {
    const claimed: readonly ClaimedTask[] = await claim(...args);
    seen.push(...claimed.map((c) => c.lease));
    return claimed;
  };
  const create = w.deploys.jobs.create.bind(w.deploys.jobs);
  w.deploys.jobs.create = async (command) => {
    const result = await create(command);
    if (result.created && result.claimed) seen.push(result.claimed.lease);
    return result;
  };
  return seen;
}

async function renamedEverywhere(w: DeployWorld): Promise<void> {
  for (const sku of ['P1', 'P2']) {
    expect((await w.view(sku)).data).toMatchObject({ brand_name: 'Acme Corp' });
    expect(w.sink.document(`acme:${sku}`)).toMatchObject({ brand_name: 'Acme Corp' });
  }
}

/** No document was applied twice at one revision (a replay answers stale), and every applied revision grows. */
function noDoubleEffect(w: DeployWorld): void {
  const applied = w.sink.deliveries.filter((d) => d.status === 'applied').map((d) => `${d.operation.docId}@${d.operation.revision}`);
  expect(new Set(applied).size).toBe(applied.length);
}

const jobOf = async (w: DeployWorld) => (await w.api.listOutbox({ status: 'SUCCESS', limit: 1000 })).at(-1)?.payload.jobId;

describe('crash points (docs/deploys.md)', () => {
  it('1: a crash during validation leaves nothing', async () => {
    const w = await seeded();
    const api = w.process('api', { port: 'heads', method: 'getMany', nth: 1 }).services;
    await expect(api.createDeploy({ tenantId: T, body: renameBody })).rejects.toThrow(Crash);
    expect((await w.head('brand#B1'))?.latest.version).toBe(1);
    expect((await w.deploys.outbox.depth()).find((d) => d.status !== 'SUCCESS')).toBeUndefined();
  });

  it('2: records ingested but no job: a retry with the same key replays the ingest and creates the job', async () => {
    const w = await seeded();
    const body = { records: [brand('B1', 'Acme Corp', 2), product('P3')], ship: SHIP };
    const api = w.process('api', { port: 'raw', method: 'append', nth: 2 }).services;
    await expect(api.createDeploy({ tenantId: T, body, idempotencyKey: 'k' })).rejects.toThrow(Crash);
    expect((await w.head('brand#B1'))?.latest.version).toBe(2);
    expect(await w.deploys.jobs.findByIdempotencyKey(T, 'k')).toBeUndefined();
    const retried = await w.api.createDeploy({ tenantId: T, body, idempotencyKey: 'k' });
    expect(retried.job.state).toBe('READY');
    await w.work();
    await renamedEverywhere(w);
  });

  it('3: job created, compile not started: the worker compiles after the lease', async () => {
    const w = await seeded();
    const api = w.process('api', { port: 'heads', method: 'get', nth: 1 }).services;
    await expect(api.createDeploy({ tenantId: T, body: renameBody })).rejects.toThrow(Crash);
    expect(await w.work()).toEqual([]); // the request's lease still holds
    await w.expireLeases();
    await w.work();
    await renamedEverywhere(w);
    expect(await w.api.deployStatus({ tenantId: T, jobId: (await jobOf(w)) as string })).toMatchObject({ state: 'DONE' });
  });

  it('4: some records sliced, not settled: the next attempt re-slices (no-ops) and finishes', async () => {
    const w = await seeded();
    const body = { records: [brand('B1', 'Acme Corp', 2), product('P1', 2, { price: 5 })], ship: SHIP };
    const api = w.process('api', { port: 'heads', method: 'commit', nth: 4 }).services;
    await expect(api.createDeploy({ tenantId: T, body })).rejects.toThrow(Crash);
    await w.expireLeases();
    await w.work();
    await renamedEverywhere(w);
    expect((await w.view('P1')).data).toMatchObject({ price: 5 });
    noDoubleEffect(w);
  });

  it('5: compile done, settle not written: re-run is a no-op, and the dead attempt is fenced', async () => {
    const w = await seeded();
    const seen = leases(w);
    const api = w.process('api', { port: 'outbox', method: 'settle', nth: 1 }).services;
    await expect(api.createDeploy({ tenantId: T, body: renameBody })).rejects.toThrow(Crash);
    const dead = seen.at(-1) as Lease;
    await w.expireLeases();
    await w.work();
    await renamedEverywhere(w);
    expect(await w.deploys.outbox.settle([{ kind: 'OK', lease: dead }])).toEqual(['fenced']);
    expect(await w.deploys.outbox.heartbeat([dead], 1000)).toEqual(['fenced']);
  });

  it('6: compile settled, SHIP_TASK enqueued: a worker ships it', async () => {
    const w = await seeded();
    const { job } = await w.api.createDeploy({ tenantId: T, body: renameBody });
    expect(job.state).toBe('READY');
    expect(job.tasks.map((t) => [t.type, t.status])).toEqual([
      ['COMPILE_TASK', 'SUCCESS'],
      ['SHIP_TASK', 'PENDING'],
    ]);
    await w.work();
    await renamedEverywhere(w);
  });

  it('7: some documents shipped, not settled: the next attempt re-ships the same documents and the rest', async () => {
    const w = await seeded();
    // One call per sink (a ship batches its documents): opensearch-products takes P3, P1, P2; the crash is at personalize's call.
    const body = { records: [product('P3'), brand('B1', 'Acme Corp', 2)], ship: { mode: 'sync', sinks: ['opensearch-products', 'personalize'] } };
    const before = w.sink.deliveries.length;
    const api = w.process('api', { port: 'sink', method: 'apply', nth: 2 }).services;
    await expect(api.createDeploy({ tenantId: T, body })).rejects.toThrow(Crash);
    expect(w.sink.deliveries.slice(before).map((d) => d.operation.docId)).toEqual(['acme:P3', 'acme:P1', 'acme:P2']);
    expect(w.webhook.deliveries).toEqual([]);
    await w.expireLeases();
    await w.work();
    await renamedEverywhere(w);
    for (const sku of ['P1', 'P2', 'P3']) expect(w.webhook.document(`acme:${sku}`)).toEqual(w.sink.document(`acme:${sku}`));
    // The re-run re-slices first (a replay may move P3's head), so the same documents come again: held already, or at a higher revision.
    const after = w.sink.deliveries.slice(before);
    expect(after.map((d) => d.operation.docId)).toEqual(['acme:P3', 'acme:P1', 'acme:P2', 'acme:P3', 'acme:P1', 'acme:P2']);
    expect(after[3]?.operation).toMatchObject({ document: (after[0]?.operation as { document: unknown }).document });
    noDoubleEffect(w);
  });

  it('8: shipped and cut over (done), not settled: the next attempt re-ships the same document, cutover is a no-op, DONE', async () => {
    const w = await seeded();
    const worker = w.process('worker', { port: 'outbox', method: 'settle', nth: 1 });
    const { job } = await w.api.createDeploy({ tenantId: T, body: { records: [product('P1', 2, { price: 7 })], ship: SHIP, cutover: 'done' } });
    await expect(w.work(worker)).rejects.toThrow(Crash);
    expect((await w.head('product#P1'))?.active?.version).toBe(2);
    expect((await w.api.deployStatus({ tenantId: T, jobId: job.jobId })).state).toBe('SINKING');
    await w.expireLeases();
    await w.work();
    expect(await w.api.deployStatus({ tenantId: T, jobId: job.jobId })).toMatchObject({ state: 'DONE' });
    // The cutover moved the head, so the re-ship carries a higher revision of the same document.
    const shipped = w.sink.deliveries.filter((d) => d.operation.docId === 'acme:P1' && d.operation.version === 2);
    expect(shipped.map((d) => d.status)).toEqual(['applied', 'applied']);
    expect(shipped[1]?.operation.revision).toBeGreaterThan(shipped[0]?.operation.revision ?? Infinity);
    expect(shipped[1]?.operation).toMatchObject({ document: (shipped[0]?.operation as { document: unknown }).document });
  });
});
