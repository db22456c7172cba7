import { taskSpec } from '@ivm/domain/testing';
import { createTestDatabase, withPgPool, type TestDatabase } from '../testing';
import { Database, withSessionSettings } from './client';
import { migrate } from './migrations';
import { CLAIM, claimTasks } from './sql/claim-tasks';
import { enqueueTasks } from './sql/enqueue-tasks';

describe('Database', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await withPgPool(database.connectionString, migrate);
  });
  afterAll(async () => database?.drop());

  // One connection per pool, so the session that ran the statements is the one asked about them.
  const preparedAfterWork = (prepared: boolean): Promise<number> =>
    withPgPool(
      database.connectionString,
      async (pool) => {
        const db = new Database(pool, prepared);
        await enqueueTasks(db.query, [taskSpec(`job-${String(prepared)}`)]);
        await db.transaction((q) => claimTasks(q, 'w', 1, 1_000));
        const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_prepared_statements');
        return rows[0]?.n ?? -1;
      },
      1,
    );

  it('names statements so each connection prepares them once, unless told not to (a pooler in transaction mode)', async () => {
    await expect(preparedAfterWork(true)).resolves.toBe(2);
    await expect(preparedAfterWork(false)).resolves.toBe(0);
  });

  it('rolls a transaction back when its body throws, and keeps the connection usable', async () => {
    await withPgPool(
      database.connectionString,
      async (pool) => {
        const db = new Database(pool, true);
        await expect(
          db.transaction(async (q) => {
            await enqueueTasks(q, [taskSpec('rolled-back')]);
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        const { rows } = await pool.query(`SELECT task_id FROM outbox_tasks WHERE job_id = 'rolled-back'`);
        expect(rows).toEqual([]);
      },
      1,
    );
  });

  it('turns bitmap scans off in its sessions, so a claim walks the claim index in order even when the statistics predate the backlog', async () => {
    const fresh = await createTestDatabase();
    try {
      await withPgPool(fresh.connectionString, migrate);
      // 20,000 tasks just enqueued: no ANALYZE has seen them, so the planner expects a few.
      await withPgPool(fresh.connectionString, async (pool) => {
        const db = new Database(pool, true);
        for (let chunk = 0; chunk < 20; chunk++)
          await enqueueTasks(
            db.query,
            Array.from({ length: 1_000 }, (_, i) => taskSpec(`job-${chunk}-${i}`)),
          );
      });
      // The connection string's own options are kept beside the adapter's.
      const url = new URL(fresh.connectionString);
      url.searchParams.set('options', '-c lock_timeout=1234');
      const settings = (keepSessions: boolean) =>
        withPgPool(
          withSessionSettings(url.toString(), keepSessions).connectionString,
          async (pool) => {
            const setting = (await pool.query<{ enable_bitmapscan: string }>('SHOW enable_bitmapscan')).rows[0]?.enable_bitmapscan;
            expect((await pool.query<{ lock_timeout: string }>('SHOW lock_timeout')).rows[0]?.lock_timeout).toBe('1234ms');
            await pool.query('BEGIN');
            const plan = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${CLAIM}`, [508, 'w', 1_000]);
            await pool.query('ROLLBACK');
            return { setting, plan: plan.rows.map((row) => row['QUERY PLAN']).join('\n') };
          },
          1,
        );
      const kept = await settings(true);
      expect(kept.setting).toBe('off');
      expect(kept.plan).toContain('Index Scan using outbox_tasks_claim');
      expect(kept.plan).not.toContain('Sort');
      // Behind a pooler in transaction mode the session is not the adapter's to configure.
      expect((await settings(false)).setting).toBe('on');
    } finally {
      await fresh.drop();
    }
  });
});
