import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { checkTables, createDynamoClient, type EmbeddedDynamo, startDynalite, tableNames } from '@ivm/adapters-dynamodb';
import { MIGRATIONS } from '@ivm/adapters-postgres';
import { createTestDatabase, type TestDatabase, withPgPool } from '@ivm/adapters-postgres/testing';
import { ROOT, TSX } from './process-helpers';

/*
 * `npm run bootstrap` as a process: the one-shot step the compose file runs before the api and the
 * workers. It makes the DynamoDB tables and the PostgreSQL schema exist, and running it again —
 * or twice at once — changes nothing and still exits 0.
 */

interface Run {
  readonly code: number | null;
  readonly output: string;
}

function bootstrap(extra: Record<string, string>): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info', ...extra };
  for (const name of ['DYNAMODB_ENDPOINT', 'DATABASE_URL', 'IVM_TABLE_PREFIX', 'IVM_DATA_DIR']) if (!(name in extra)) delete env[name];
  const child = spawn(TSX, ['apps/api/src/main.ts', 'bootstrap'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((done) => child.once('exit', (code) => done({ code, output })));
}

describe('npm run bootstrap', () => {
  it('refuses to run without DYNAMODB_ENDPOINT and DATABASE_URL, naming both', async () => {
    const run = await bootstrap({});
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/Invalid configuration: DYNAMODB_ENDPOINT and DATABASE_URL are required: npm run bootstrap/);
  }, 60_000);

  describe('on a DynamoDB with no tables and an empty database', () => {
    let dynamo: EmbeddedDynamo;
    let database: TestDatabase;
    const tablePrefix = `boot${randomUUID().slice(0, 8)}_`;
    let env: Record<string, string>;

    beforeAll(async () => {
      [dynamo, database] = await Promise.all([startDynalite(), createTestDatabase()]);
      env = { DYNAMODB_ENDPOINT: dynamo.endpoint, DATABASE_URL: database.connectionString, IVM_TABLE_PREFIX: tablePrefix };
    }, 120_000);

    afterAll(async () => {
      await database?.drop();
      await dynamo?.close();
    }, 60_000);

    const migrationsApplied = () =>
      withPgPool(database.connectionString, async (pool) =>
        (await pool.query<{ name: string }>('SELECT name FROM ivm_migrations ORDER BY name')).rows.map((r) => r.name),
      );

    it('creates every table and applies every migration, twice at once and once more after, each exiting 0', async () => {
      const client = createDynamoClient({ endpoint: dynamo.endpoint, region: 'us-east-1', tablePrefix });
      try {
        await expect(checkTables(client, tablePrefix)).rejects.toThrow(/missing/);

        // Two at once: what api and worker processes starting together would race on.
        const racing = await Promise.all([bootstrap(env), bootstrap(env)]);
        for (const run of racing) expect({ code: run.code, output: run.output }).toEqual({ code: 0, output: expect.stringContaining('bootstrap complete') });
        await checkTables(client, tablePrefix);
        expect(await migrationsApplied()).toEqual(Object.keys(MIGRATIONS).sort());

        const again = await bootstrap(env);
        expect(again.code).toBe(0);
        expect(again.output).toContain('DynamoDB tables ready');
        for (const table of Object.values(tableNames(tablePrefix))) expect(again.output).toContain(table);
        await checkTables(client, tablePrefix);
        expect(await migrationsApplied()).toEqual(Object.keys(MIGRATIONS).sort());
      } finally {
        client.destroy();
      }
    }, 120_000);
  });
});
