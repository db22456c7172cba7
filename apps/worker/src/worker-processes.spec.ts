import { openPostgres, type PostgresDeploys } from '@ivm/adapters-postgres';
import { createTestDatabase, type TestDatabase } from '@ivm/adapters-postgres/testing';
import { outboxTaskId, type TaskSpec } from '@ivm/domain';
import pg from 'pg';
import { EFFECTS_DDL } from './testing/effects';
import { spawnWorker, type SpawnedWorker } from './testing/spawn-worker';

/*
 * Worker processes against a real (embedded) PostgreSQL: the runtime, the PG outbox, signals and
 * exit codes as deployed. Each spawned worker records its effects in `worker_effects`.
 */
jest.setTimeout(120_000);

let database: TestDatabase;
let stores: PostgresDeploys;
let sql: pg.Pool;
const started: SpawnedWorker[] = [];

const specFor = (job: string, maxAttempts = 10): TaskSpec => ({
  taskId: outboxTaskId('t', job, 'COMPILE_TASK'),
  type: 'COMPILE_TASK',
  payload: { tenantId: 't', jobId: job, entities: [{ entityKey: 'product#A', version: 1 }], sinkIds: [] },
  maxAttempts,
});

function worker(env: Record<string, string>): SpawnedWorker {
  const spawned = spawnWorker({ DATABASE_URL: database.connectionString, ...env });
  started.push(spawned);
  return spawned;
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const count = async (text: string, values: unknown[] = []): Promise<number> => Number((await sql.query<{ n: string }>(text, values)).rows[0]?.n ?? 0);

beforeAll(async () => {
  database = await createTestDatabase();
  stores = await openPostgres({ connectionString: database.connectionString });
  sql = new pg.Pool({ connectionString: database.connectionString, max: 2 });
  // Dropping the database at the end terminates whatever connection is still closing: not a failure.
  sql.on('error', () => undefined);
  await sql.query(EFFECTS_DDL);
});

afterEach(async () => {
  for (const spawned of started.splice(0)) if (spawned.child.exitCode === null && spawned.child.signalCode === null) spawned.child.kill('SIGKILL');
  await sql.query('TRUNCATE worker_effects');
  await sql.query('TRUNCATE outbox_tasks');
});

afterAll(async () => {
  await sql?.end();
  await stores?.close();
  await database?.drop();
});

it('4 worker processes share 2,000 tasks: each SUCCESS once, no effect recorded twice, all exit 0 on SIGTERM', async () => {
  const workers = [1, 2, 3, 4].map(() => worker({ IVM_WORKER_CONCURRENCY: '8', IVM_WORKER_POLL_MS: '500', IVM_TASK_LEASE_MS: '10000' }));
  const owners = await Promise.all(workers.map((w) => w.ready));
  const jobs = Array.from({ length: 2_000 }, (_, i) => `job-${i}`);
  const startedAt = Date.now();
  for (let i = 0; i < jobs.length; i += 250) await stores.outbox.enqueue(jobs.slice(i, i + 250).map((job) => specFor(job)));
  await until(async () => (await count("SELECT count(*) AS n FROM outbox_tasks WHERE status = 'SUCCESS'")) === 2_000, 60_000, 'all SUCCESS');
  const elapsedMs = Date.now() - startedAt;
  expect(await count('SELECT count(*) AS n FROM worker_effects')).toBe(2_000);
  expect(await count('SELECT count(DISTINCT task_id) AS n FROM worker_effects')).toBe(2_000);
  expect(await count('SELECT count(*) AS n FROM outbox_tasks WHERE attempt <> 1')).toBe(0);
  const perOwner = (await sql.query<{ owner: string; n: string }>('SELECT owner, count(*) AS n FROM worker_effects GROUP BY owner')).rows;
  expect(perOwner.map((row) => row.owner).sort()).toEqual([...owners].sort()); // every worker took a share
  process.stdout.write(`2,000 tasks on 4 workers: ${elapsedMs} ms; per worker ${perOwner.map((row) => row.n).join(', ')}\n`);
  for (const w of workers) w.child.kill('SIGTERM');
  expect((await Promise.all(workers.map((w) => w.exited))).map((e) => e.code)).toEqual([0, 0, 0, 0]);
});

it('a worker killed mid-task: another completes it after the lease, and the killed attempt’s late completion is fenced', async () => {
  const slow = worker({ TEST_HANDLER: 'slow:60000', IVM_TASK_LEASE_MS: '1500', IVM_WORKER_POLL_MS: '200' });
  await slow.ready;
  const [task] = await stores.outbox.enqueue([specFor('killed')]);
  const taskId = task?.taskId ?? '';
  await until(async () => (await count("SELECT count(*) AS n FROM worker_effects WHERE phase = 'started'")) === 1, 10_000, 'the slow run to start');
  const killedToken = (await sql.query<{ token: string }>('SELECT token FROM worker_effects WHERE task_id = $1', [taskId])).rows[0]?.token ?? '';
  slow.child.kill('SIGKILL');
  expect((await slow.exited).signal).toBe('SIGKILL');

  const rescuer = worker({ IVM_TASK_LEASE_MS: '1500', IVM_WORKER_POLL_MS: '200' });
  await rescuer.ready;
  await until(async () => (await stores.outbox.get(taskId))?.status === 'SUCCESS', 20_000, 'another worker to complete it');
  expect(await stores.outbox.get(taskId)).toMatchObject({ status: 'SUCCESS', attempt: 2 });
  const effects = (await sql.query<{ token: string; phase: string }>('SELECT token, phase FROM worker_effects WHERE task_id = $1 ORDER BY at', [taskId])).rows;
  expect(effects).toEqual([
    { token: killedToken, phase: 'started' },
    { token: expect.not.stringMatching(`^${killedToken}$`), phase: 'done' },
  ]);

  // The killed attempt "wakes up" and completes: every call with its token is refused.
  const late = { taskId, token: killedToken };
  expect(await stores.outbox.settle([{ kind: 'OK', lease: late }])).toEqual(['fenced']);
  expect(await stores.outbox.heartbeat([late], 1_500)).toEqual(['fenced']);
  expect(await stores.outbox.release([late])).toEqual(['fenced']);
  expect(await stores.outbox.get(taskId)).toMatchObject({ status: 'SUCCESS', attempt: 2 });
  rescuer.child.kill('SIGTERM');
  expect((await rescuer.exited).code).toBe(0);
});

it('SIGTERM: in-flight runs that finish within the grace period are settled; the rest are released; exit 0', async () => {
  const finishing = worker({ TEST_HANDLER: 'slow:500', IVM_WORKER_CONCURRENCY: '4', IVM_WORKER_SHUTDOWN_GRACE_MS: '10000' });
  const stuck = worker({ TEST_HANDLER: 'slow:60000', IVM_WORKER_CONCURRENCY: '4', IVM_WORKER_SHUTDOWN_GRACE_MS: '200' });
  const [finishingOwner, stuckOwner] = await Promise.all([finishing.ready, stuck.ready]);
  await stores.outbox.enqueue(['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'].map((job) => specFor(job)));
  const startedBy = (owner: string): Promise<number> => count("SELECT count(*) AS n FROM worker_effects WHERE phase = 'started' AND owner = $1", [owner]);
  await until(async () => (await startedBy(finishingOwner)) + (await startedBy(stuckOwner)) === 8, 10_000, 'eight runs in flight');

  finishing.child.kill('SIGTERM');
  stuck.child.kill('SIGTERM');
  expect((await finishing.exited).code).toBe(0);
  expect((await stuck.exited).code).toBe(0);

  const tasks = (
    await sql.query<{ status: string; attempt: number; lease_owner: string | null; n: string }>(
      'SELECT status, attempt, lease_owner, count(*) AS n FROM outbox_tasks GROUP BY status, attempt, lease_owner ORDER BY status',
    )
  ).rows;
  // The finishing worker's runs ended and settled; the stuck worker's were released: PENDING, the attempt not counted.
  expect(tasks).toEqual([
    { status: 'PENDING', attempt: 0, lease_owner: null, n: String(await startedBy(stuckOwner)) },
    { status: 'SUCCESS', attempt: 1, lease_owner: null, n: String(await startedBy(finishingOwner)) },
  ]);
});
