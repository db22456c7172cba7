import { createTestDatabase, withPgPool, type TestDatabase } from '../../testing';
import { migrate } from '.';

describe('schema', () => {
  let database: TestDatabase;
  const query = async <R extends object>(text: string): Promise<R[]> => withPgPool(database.connectionString, async (pool) => (await pool.query<R>(text)).rows);

  beforeAll(async () => {
    database = await createTestDatabase();
    await expect(withPgPool(database.connectionString, migrate)).resolves.toEqual(['0001-deploys', '0002-single-flights']);
  });
  afterAll(async () => database?.drop());

  it('is migrated once: a second run applies nothing', async () => {
    await expect(withPgPool(database.connectionString, migrate)).resolves.toEqual([]);
  });

  it('leaves room on outbox pages for new row versions and vacuums the table early', async () => {
    const [table] = await query<{ reloptions: string[] }>(`SELECT reloptions FROM pg_class WHERE relname = 'outbox_tasks'`);
    expect(table?.reloptions).toEqual(expect.arrayContaining(['fillfactor=70', 'autovacuum_vacuum_scale_factor=0.01']));
  });

  it('has partial indexes for claim (due PENDING by run_after), reap (RUNNING by lease_until) and prune (SUCCESS by settled_at)', async () => {
    const rows = await query<{ indexname: string; indexdef: string }>(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'outbox_tasks'`);
    const definition = (name: string): string => rows.find((row) => row.indexname === name)?.indexdef ?? '';
    expect(definition('outbox_tasks_claim')).toMatch(/\(run_after, task_id\) WHERE \(status = 'PENDING'::text\)$/);
    expect(definition('outbox_tasks_reap')).toMatch(/\(lease_until\) WHERE \(status = 'RUNNING'::text\)$/);
    expect(definition('outbox_tasks_prune')).toMatch(/\(settled_at\) WHERE \(status = 'SUCCESS'::text\)$/);
  });

  it('refuses a RUNNING task without a lease (token, owner, until), and lease fields on any other status', async () => {
    const insert = (status: string, lease: string): Promise<unknown> =>
      query(`INSERT INTO outbox_tasks (task_id, type, status, tenant_id, job_id, payload, max_attempts, token, lease_owner, lease_until)
             VALUES ('t-${status}', 'COMPILE_TASK', '${status}', 't', 'j', '{}', 1, ${lease})`);
    await expect(insert('RUNNING', 'NULL, NULL, NULL')).rejects.toThrow(/outbox_tasks_lease_while_running/);
    await expect(insert('PENDING', "gen_random_uuid(), 'w', now()")).rejects.toThrow(/outbox_tasks_lease_while_running/);
  });
});
