import { IdempotencyKeyReusedError, type CreateDeployJob, type CreateDeployJobResult, type Settlement } from '@ivm/domain';
import { createCommand, taskSpec, TENANT } from '@ivm/domain/testing';
import { openTestPostgres, withPgPool, type TestPostgres } from '../testing';
import { openPostgres, type PostgresDeploys } from './open-postgres';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Races between processes: each racer is a store with a pool of its own, as separate workers would be. */
describe('postgres outbox under concurrency', () => {
  let pg: TestPostgres;
  let racers: PostgresDeploys[];

  beforeAll(async () => {
    pg = await openTestPostgres();
    racers = await Promise.all(range(4).map(() => openPostgres({ connectionString: pg.connectionString, poolSize: 3, listen: false })));
  });
  beforeEach(async () => pg.reset());
  afterAll(async () => {
    await Promise.all((racers ?? []).map((racer) => racer.close()));
    await pg?.close();
  });

  const count = async (table: string): Promise<number> =>
    withPgPool(pg.connectionString, async (pool) => Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n));

  it('N claimers racing over M tasks claim every task exactly once', async () => {
    const tasks = 600;
    await pg.outbox.enqueue(range(tasks).map((i) => taskSpec(`job-${i}`)));
    // Three loops per pool, so twelve claims are in flight at any time.
    const loops = racers.flatMap((racer, r) => range(3).map((l) => ({ racer, owner: `worker-${r}-${l}` })));
    const claimedBy = await Promise.all(
      loops.map(async ({ racer, owner }) => {
        const mine: string[] = [];
        for (;;) {
          const batch = await racer.outbox.claim(owner, 5, 60_000);
          if (batch.length === 0) return mine;
          mine.push(...batch.map((c) => c.task.taskId));
        }
      }),
    );
    const all = claimedBy.flat();
    expect(new Set(all).size).toBe(tasks);
    expect(all).toHaveLength(tasks);
    expect(await pg.outbox.depth()).toEqual([{ type: 'COMPILE_TASK', status: 'RUNNING', count: tasks }]);
    expect((await pg.outbox.list('RUNNING', tasks)).every((task) => task.attempt === 1)).toBe(true);
  });

  it('after reap and reclaim, only the current token wins a settle race; the stale attempt writes nothing (job steps included)', async () => {
    for (const round of range(8)) {
      const jobId = `job-${round}`;
      await pg.jobs.create(createCommand(jobId));
      const [stale] = await pg.outbox.claim('slow', 1, 20);
      await sleep(40);
      expect(await pg.outbox.reap(10)).toHaveLength(1);
      const [current] = await pg.outbox.claim('fast', 1, 60_000);
      if (!stale || !current) throw new Error('two claims expected');
      const steps = (to: 'READY' | 'FAILED') => [
        { tenantId: TENANT, jobId, from: 'QUEUED' as const, to: 'RUNNING' as const },
        { tenantId: TENANT, jobId, from: 'RUNNING' as const, to, ...(to === 'FAILED' ? { error: { code: 'X', message: 'stale' } } : {}) },
      ];
      const late: Settlement = {
        kind: 'FAILED',
        lease: stale.lease,
        error: { code: 'X', message: 'stale' },
        followUp: { steps: steps('FAILED'), enqueue: [] },
      };
      const winner: Settlement = { kind: 'OK', lease: current.lease, followUp: { steps: steps('READY'), enqueue: [taskSpec(jobId, 'SHIP_TASK')] } };
      const [lateResult, winnerResult] = await Promise.all([racers[round % 4]?.outbox.settle([late]), racers[(round + 1) % 4]?.outbox.settle([winner])]);
      expect([lateResult, winnerResult]).toEqual([['fenced'], ['applied']]);
      const job = await pg.jobs.get(TENANT, jobId);
      expect(job?.transitions.map((t) => t.state)).toEqual(['QUEUED', 'RUNNING', 'READY']);
      expect(job?.tasks.map((t) => [t.type, t.status])).toEqual([
        ['COMPILE_TASK', 'SUCCESS'],
        ['SHIP_TASK', 'PENDING'],
      ]);
      await pg.outbox.claim('drain', 10, 60_000);
    }
  });

  it('of many settles of one attempt racing, exactly one applies', async () => {
    await pg.outbox.enqueue([taskSpec('job-1')]);
    const [claimed] = await pg.outbox.claim('w', 1, 60_000);
    if (!claimed) throw new Error('a claim expected');
    const results = await Promise.all(
      racers.map((racer, i) =>
        racer.outbox.settle([
          i % 2 === 0 ? { kind: 'OK', lease: claimed.lease } : { kind: 'RETRY', lease: claimed.lease, delayMs: 0, error: { code: 'T', message: 't' } },
        ]),
      ),
    );
    expect(results.flat().filter((r) => r === 'applied')).toHaveLength(1);
  });

  it('racing reapers take each expired lease once', async () => {
    await pg.outbox.enqueue(range(40).map((i) => taskSpec(`job-${i}`)));
    await pg.outbox.claim('w', 40, 10);
    await sleep(30);
    const reaped = await Promise.all(
      racers.map(async (racer) => {
        const mine: string[] = [];
        for (let batch = await racer.outbox.reap(3); batch.length > 0; batch = await racer.outbox.reap(3)) mine.push(...batch.map((t) => t.taskId));
        return mine;
      }),
    );
    expect(reaped.flat()).toHaveLength(40);
    expect(new Set(reaped.flat()).size).toBe(40);
  });

  it('racing creates with one Idempotency-Key make one job; the same body answers it, another is refused', async () => {
    const idempotency = (i: number): CreateDeployJob['idempotency'] => ({ key: 'key-1', requestHash: i % 3 === 2 ? 'other-body' : 'body' });
    const outcomes = await Promise.allSettled(
      range(12).map((i) => racers[i % 4]?.jobs.create(createCommand(`job-${i}`, { idempotency: idempotency(i) })) as Promise<CreateDeployJobResult>),
    );
    const created = outcomes.flatMap((o) => (o.status === 'fulfilled' && o.value.created ? [o.value.job.jobId] : []));
    expect(created).toHaveLength(1);
    const winner = created[0];
    const winnerHash = idempotency(Number(winner?.split('-')[1]))?.requestHash;
    outcomes.forEach((outcome, i) => {
      if (idempotency(i)?.requestHash === winnerHash) {
        expect(outcome).toMatchObject({ status: 'fulfilled', value: { job: { jobId: winner } } });
      } else {
        expect(outcome.status === 'rejected' && outcome.reason instanceof IdempotencyKeyReusedError).toBe(true);
      }
    });
    expect(await count('deploy_jobs')).toBe(1);
    expect(await count('outbox_tasks')).toBe(1);
    expect(await count('idempotency_keys')).toBe(1);
  });
});
