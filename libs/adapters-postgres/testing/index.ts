// Test-only helpers (`@ivm/adapters-postgres/testing`): never imported by production code.
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import type { PostgresConfig } from '../src/config';
import { openPostgres, type PostgresDeploys } from '../src/open-postgres';
import { testServer } from './test-server';

export { startTestServer, testServer, TEST_SERVER_SETTINGS, TEST_SERVER_URL_VARIABLE, type TestServer } from './test-server';

/** Runs `body` with a pool of its own (`size` connections) on `connectionString`, ended afterwards. */
export async function withPgPool<T>(connectionString: string, body: (pool: Pool) => Promise<T>, size = 2): Promise<T> {
  const pool = new Pool({ connectionString, max: size });
  // pool.end() resolves before its sockets close: a server stopped right after may still break one, which is no test's concern.
  pool.on('error', () => undefined);
  try {
    return await body(pool);
  } finally {
    await pool.end();
  }
}

/** Empties every table of the schema (the migrations stay applied). */
export async function reset(connectionString: string): Promise<void> {
  await withPgPool(connectionString, (pool) => pool.query('TRUNCATE outbox_tasks, deploy_transitions, deploy_jobs, idempotency_keys'));
}

export interface TestDatabase {
  readonly connectionString: string;
  /** Drops the database (and stops a server started for it alone). */
  drop(): Promise<void>;
}

/** A fresh database on the test server, so test files run in parallel without seeing each other (LISTEN channels included). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = await testServer();
  const name = `ivm_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withPgPool(server.adminUrl, (pool) => pool.query(`CREATE DATABASE ${name}`));
  const url = new URL(server.adminUrl);
  url.pathname = `/${name}`;
  return {
    connectionString: url.toString(),
    drop: async () => {
      await withPgPool(server.adminUrl, (pool) => pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      await server.release();
    },
  };
}

export interface TestPostgres extends PostgresDeploys {
  /** The database's clock, epoch ms. */
  now(): Promise<number>;
  /** Empties the tables. */
  reset(): Promise<void>;
}

/** `openPostgres` on a fresh test database; `close` also drops it. */
export async function openTestPostgres(options: Omit<Partial<PostgresConfig>, 'connectionString' | 'embedded'> = {}): Promise<TestPostgres> {
  const database = await createTestDatabase();
  const deploys = await openPostgres({ connectionString: database.connectionString, poolSize: 4, ...options });
  return {
    ...deploys,
    now: () =>
      withPgPool(
        database.connectionString,
        async (pool) => (await pool.query<{ now: number }>('SELECT floor(extract(epoch from now()) * 1000)::float8 AS now')).rows[0]?.now ?? NaN,
      ),
    reset: () => reset(database.connectionString),
    close: async () => {
      await deploys.close();
      await database.drop();
    },
  };
}
