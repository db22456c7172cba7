import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreCorruptItemError, StoreUnavailableError } from '@ivm/domain';
import { eventually, taskSpec } from '@ivm/domain/testing';
import { createTestDatabase, openTestPostgres, TEST_SERVER_SETTINGS, withPgPool } from '../testing';
import { freePort } from './embedded/free-port';
import { openPostgres } from './open-postgres';

describe('openPostgres', () => {
  it('starts an embedded server in its data dir, and reuses the initialised dir (and its data) on the next open', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ivm-pg-open-'));
    const embedded = { dataDir, createPostgresUser: true, settings: TEST_SERVER_SETTINGS };
    try {
      const first = await openPostgres({ embedded, poolSize: 2 });
      await first.ping();
      await first.outbox.enqueue([taskSpec('job-1')]);
      await first.close();
      await expect(first.ping()).rejects.toBeInstanceOf(StoreUnavailableError);

      const second = await openPostgres({ embedded, poolSize: 2 });
      try {
        expect(second.connectionString).not.toBe(first.connectionString); // a fresh free port
        expect((await second.outbox.get(taskSpec('job-1').taskId))?.status).toBe('PENDING');
        const migrations = await withPgPool(second.connectionString, async (pool) => (await pool.query('SELECT name FROM ivm_migrations ORDER BY name')).rows);
        expect(migrations).toEqual([{ name: '0001-deploys' }, { name: '0002-single-flights' }]);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('fails with StoreUnavailableError (the driver error as cause) when no server answers', async () => {
    const port = await freePort();
    const opening = openPostgres({ connectionString: `postgres://postgres:x@127.0.0.1:${port}/postgres`, connectTimeoutMs: 2_000 });
    await expect(opening).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(opening).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', cause: expect.objectContaining({ code: 'ECONNREFUSED' }) });
  });

  it('migrates concurrent openers of one database once', async () => {
    const database = await createTestDatabase();
    try {
      const opened = await Promise.all([1, 2, 3].map(() => openPostgres({ connectionString: database.connectionString, poolSize: 1, listen: false })));
      await Promise.all(opened.map((deploys) => deploys.close()));
      const names = await withPgPool(database.connectionString, async (pool) => (await pool.query('SELECT name FROM ivm_migrations ORDER BY name')).rows);
      expect(names).toEqual([{ name: '0001-deploys' }, { name: '0002-single-flights' }]);
    } finally {
      await database.drop();
    }
  });
});

describe('postgres stores at the edge', () => {
  it('turns a statement timeout into StoreUnavailableError', async () => {
    const pg = await openTestPostgres({ statementTimeoutMs: 100, listen: false });
    try {
      await pg.outbox.enqueue([taskSpec('job-1')]);
      const [claimed] = await pg.outbox.claim('w', 1, 60_000);
      if (!claimed) throw new Error('a claim expected');
      // Another session holds the row, so the heartbeat waits on it until the server cancels the statement.
      await withPgPool(pg.connectionString, async (pool) => {
        const holder = await pool.connect();
        try {
          await holder.query('BEGIN');
          await holder.query('SELECT 1 FROM outbox_tasks FOR UPDATE');
          const beat = pg.outbox.heartbeat([claimed.lease], 1_000);
          await expect(beat).rejects.toBeInstanceOf(StoreUnavailableError);
          await expect(beat).rejects.toMatchObject({ cause: expect.objectContaining({ code: '57014' }) });
          await holder.query('ROLLBACK');
        } finally {
          holder.release();
        }
      });
    } finally {
      await pg.close();
    }
  });

  it('reads a row it cannot decode as StoreCorruptItemError', async () => {
    const pg = await openTestPostgres({ listen: false });
    try {
      const [task] = await pg.outbox.enqueue([taskSpec('job-1')]);
      await withPgPool(pg.connectionString, (pool) => pool.query(`UPDATE outbox_tasks SET payload = payload || '{"data": {"name": "leak"}}'`));
      await expect(pg.outbox.get(task?.taskId ?? '')).rejects.toBeInstanceOf(StoreCorruptItemError);
    } finally {
      await pg.close();
    }
  });

  it('works without prepared statements and without LISTEN (a pooler in transaction mode)', async () => {
    const pg = await openTestPostgres({ preparedStatements: false, listen: false });
    try {
      const woken: number[] = [];
      const unsubscribe = await pg.wakeups.subscribe((n) => woken.push(n));
      await pg.outbox.enqueue([taskSpec('job-1')]);
      const [claimed] = await pg.outbox.claim('w', 1, 60_000);
      if (!claimed) throw new Error('a claim expected');
      await expect(pg.outbox.settle([{ kind: 'OK', lease: claimed.lease }])).resolves.toEqual(['applied']);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(woken).toEqual([]);
      await unsubscribe();
    } finally {
      await pg.close();
    }
  });

  it('reopens a lost LISTEN connection and wakes subscribers again', async () => {
    const errors: StoreUnavailableError[] = [];
    const pg = await openTestPostgres({ onError: (error) => errors.push(error) });
    try {
      const woken: number[] = [];
      const unsubscribe = await pg.wakeups.subscribe((n) => woken.push(n));
      const terminated = await withPgPool(pg.connectionString, async (pool) => {
        const { rows } = await pool.query<{ done: boolean }>(
          `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = 'ivm:listen' AND datname = current_database()`,
        );
        return rows;
      });
      expect(terminated).toEqual([{ done: true }]);
      await eventually(() => expect(errors.length).toBeGreaterThan(0));
      // Until it listens again a wake-up may be lost (polling covers it): enqueue until one arrives.
      await eventually(async () => {
        await pg.outbox.enqueue([taskSpec(`job-${Date.now()}`)]);
        expect(woken.length).toBeGreaterThan(0);
      }, 10_000);
      await unsubscribe();
    } finally {
      await pg.close();
    }
  });
});
