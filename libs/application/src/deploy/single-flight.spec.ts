import { type ClaimedTask, DEFAULT_RETRY_POLICY, type HeadStore, type Stores } from '@ivm/domain';
import { createDeployServices } from './deploy-services';
import { runInline } from './run-inline';
import { brand, deployWorld, LEASE_MS, product, T, type DeployWorld } from './testing/deploy-harness';

const SETTINGS = { leaseMs: LEASE_MS, retry: DEFAULT_RETRY_POLICY };

/** Stores whose first `heads.get` waits until `open()`: a compile paused at the start of its slicing, its flights held. */
function pausedAt(stores: Stores) {
  let open = (): void => undefined;
  let reached = (): void => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const atGate = new Promise<void>((resolve) => (reached = resolve));
  let first = true;
  const heads: HeadStore = {
    get: async (tenantId, entityKey) => {
      if (first) {
        first = false;
        reached();
        await gate;
      }
      return stores.heads.get(tenantId, entityKey);
    },
    getMany: (tenantId, keys) => stores.heads.getMany(tenantId, keys),
    commit: (tenantId, entityKey, revision, state) => stores.heads.commit(tenantId, entityKey, revision, state),
  };
  return { stores: { ...stores, heads }, atGate, open };
}

/** A world with brand B1 and product P1 v1 compiled, and an async compile of P1 v2 claimed and paused mid-compile by another worker. */
async function p1InFlight(): Promise<{ w: DeployWorld; jobId: string; running: ReturnType<typeof runInline>; open: () => void }> {
  const w = deployWorld();
  await w.api.createDeploy({ tenantId: T, body: { records: [brand('B1', 'Acme'), product('P1')], ship: null } });
  const { job } = await w.api.createDeploy({ tenantId: T, body: { records: [product('P1', 2, { price: 2000 })], compile: 'async', ship: null } });
  const claimed = (await w.deploys.outbox.claim('worker-1', 10, LEASE_MS)).find((c) => c.task.payload.jobId === job.jobId) as ClaimedTask;
  const paused = pausedAt(w.stores);
  const slow = createDeployServices(w.depsFor('worker-1', { stores: paused.stores }));
  const running = runInline(w.deploys.outbox, claimed, slow.handlers.COMPILE_TASK, SETTINGS);
  await paused.atGate;
  return { w, jobId: job.jobId, running, open: paused.open };
}

describe('deploy: single flight per (tenant, entity, RuleSet)', () => {
  it('a second compile of the entity is busy: it retries after the conflict wait (its job still QUEUED) and then completes', async () => {
    const { w, jobId, running, open } = await p1InFlight();
    const { job } = await w.api.createDeploy({ tenantId: T, body: { records: [product('P1', 3, { price: 3000 })], compile: 'async', ship: null } });
    const [second] = await w.worker.outbox.claim('worker-2', 10, LEASE_MS);
    expect(second?.task.payload.jobId).toBe(job.jobId);
    await expect(runInline(w.worker.outbox, second as ClaimedTask, w.worker.services.handlers.COMPILE_TASK, SETTINGS)).resolves.toEqual({ settled: 'RETRY' });
    expect(await w.api.deployStatus({ tenantId: T, jobId: job.jobId })).toMatchObject({
      state: 'QUEUED',
      tasks: [{ type: 'COMPILE_TASK', status: 'PENDING', attempt: 1, lastError: { code: 'CONCURRENCY_CONFLICT' } }],
    });
    expect((await w.head('product#P1'))?.sliced?.version).toBe(1);

    open();
    await expect(running).resolves.toEqual({ settled: 'OK' });
    expect(await w.api.deployStatus({ tenantId: T, jobId })).toMatchObject({ state: 'DONE' });
    expect(await w.work()).toEqual([]); // the retry waits out the conflict delay
    w.clock.advance(DEFAULT_RETRY_POLICY.conflictDelayMs);
    expect((await w.work()).map((c) => [c.task.payload.jobId, c.task.attempt])).toEqual([[job.jobId, 2]]);
    expect(await w.api.deployStatus({ tenantId: T, jobId: job.jobId })).toMatchObject({ state: 'DONE' });
    expect((await w.head('product#P1'))?.sliced?.version).toBe(3);
    expect((await w.view('P1')).data).toMatchObject({ price: 3000 });
  });

  it('a sync compile meeting the entity in flight answers accepted (202) with the job RUNNING; a worker finishes it', async () => {
    const { w, running, open } = await p1InFlight();
    const sync = await w.api.createDeploy({ tenantId: T, body: { records: [product('P1', 3, { price: 3000 })], ship: null } });
    expect(sync.accepted).toBe(true);
    expect(sync.job).toMatchObject({
      state: 'RUNNING',
      tasks: [{ type: 'COMPILE_TASK', status: 'PENDING', attempt: 1, lastError: { code: 'CONCURRENCY_CONFLICT' } }],
    });
    open();
    await running;
    w.clock.advance(DEFAULT_RETRY_POLICY.conflictDelayMs);
    await w.work();
    expect(await w.api.deployStatus({ tenantId: T, jobId: sync.job.jobId })).toMatchObject({ state: 'DONE' });
    expect((await w.view('P1')).data).toMatchObject({ price: 3000 });
  });

  it('flights are per entity: a compile of other entities runs while one is in flight', async () => {
    const { w, running, open } = await p1InFlight();
    const other = await w.api.createDeploy({ tenantId: T, body: { records: [brand('B1', 'Acme Corp', 2), product('P2')], ship: null } });
    expect(other).toMatchObject({ accepted: false, job: { state: 'DONE' } });
    open();
    await expect(running).resolves.toEqual({ settled: 'OK' });
  });
});
