import { taskSpec } from '@ivm/domain/testing';
import { createTestDatabase, withPgPool, type TestDatabase } from '../testing';
import { Database } from './client';
import { migrate } from './migrations';
import { claimTasks } from './sql/claim-tasks';
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
});
