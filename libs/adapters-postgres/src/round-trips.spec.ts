import { createCommand, taskSpec, TENANT } from '@ivm/domain/testing';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../testing';
import { Database, type PoolClientLike, type PoolLike, type QueryConfigLike } from './client';
import { migrate } from './migrations';
import { PgDeployJobStore } from './pg-deploy-job-store';
import { PgOutboxStore } from './pg-outbox-store';

/** A real pool that counts the statements it sends (BEGIN and COMMIT included): one statement, one round trip. */
function countingPool(pool: Pool): PoolLike & { sent: string[] } {
  const sent: string[] = [];
  const note = (config: QueryConfigLike): void => void sent.push(config.name ?? config.text.trim().split(/\s+/)[0] ?? '');
  return {
    sent,
    query: (config) => (note(config), pool.query(config)) as never,
    connect: async (): Promise<PoolClientLike> => {
      const client = await pool.connect();
      return { query: (config) => (note(config), client.query(config)) as never, release: (destroy) => client.release(destroy) };
    },
    end: () => pool.end(),
  };
}

describe('round trips', () => {
  let database: TestDatabase;
  let pool: Pool;
  let counting: ReturnType<typeof countingPool>;
  let outbox: PgOutboxStore;
  let jobs: PgDeployJobStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new Pool({ connectionString: database.connectionString, max: 2 });
    await migrate(pool);
    counting = countingPool(pool);
    const db = new Database(counting, true);
    outbox = new PgOutboxStore(db);
    jobs = new PgDeployJobStore(db);
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  const trips = async (body: () => Promise<unknown>): Promise<string[]> => {
    counting.sent.length = 0;
    await body();
    return [...counting.sent];
  };

  it('claim, heartbeat, a settle batch without follow-ups, enqueue, reap and release take one each', async () => {
    await outbox.enqueue([taskSpec('a'), taskSpec('b'), taskSpec('c')]);
    const claimed = await outbox.claim('w', 3, 60_000);
    expect(await trips(() => outbox.enqueue([taskSpec('d')]))).toEqual(['ivm_enqueue_tasks']);
    expect(await trips(() => outbox.claim('w', 10, 60_000))).toEqual(['ivm_claim_tasks']);
    expect(
      await trips(() =>
        outbox.heartbeat(
          claimed.map((c) => c.lease),
          60_000,
        ),
      ),
    ).toEqual(['ivm_heartbeat_tasks']);
    expect(await trips(() => outbox.release(claimed.slice(2).map((c) => c.lease)))).toEqual(['ivm_release_tasks']);
    expect(await trips(() => outbox.settle(claimed.slice(0, 2).map((c) => ({ kind: 'OK' as const, lease: c.lease }))))).toEqual(['ivm_settle_tasks']);
    expect(await trips(() => outbox.reap(10))).toEqual(['ivm_reap_tasks']);
  });

  it('a settle batch with follow-ups is one transaction of four; a create is one statement, or a transaction with a key', async () => {
    expect(await trips(() => jobs.create(createCommand('j1', { enter: ['RUNNING'], claimFirst: { owner: 'api', leaseMs: 60_000 } })))).toEqual([
      'ivm_create_job',
    ]);
    await jobs.create(createCommand('j2', { enter: ['RUNNING'] }));
    const claimed = await outbox.claim('w', 10, 60_000);
    const followUp = (jobId: string) => ({
      steps: [{ tenantId: TENANT, jobId, from: 'RUNNING' as const, to: 'READY' as const }],
      enqueue: [taskSpec(jobId, 'SHIP_TASK')],
    });
    const j2 = claimed.find((c) => c.task.payload.jobId === 'j2');
    if (!j2) throw new Error('j2 claim expected');
    expect(await trips(() => outbox.settle([{ kind: 'OK', lease: j2.lease, followUp: followUp('j2') }]))).toEqual([
      'BEGIN',
      'ivm_settle_and_lock_jobs',
      'ivm_write_follow_ups',
      'COMMIT',
    ]);
    expect(await trips(() => jobs.create(createCommand('j3', { idempotency: { key: 'k', requestHash: 'h' } })))).toEqual([
      'BEGIN',
      'ivm_claim_key',
      'ivm_create_job',
      'COMMIT',
    ]);
  });
});
