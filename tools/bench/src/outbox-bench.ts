/**
 * npm run bench:outbox — our worker runtime on the PostgreSQL outbox against graphile-worker, on
 * one PostgreSQL server (an embedded one under a temporary directory, or DATABASE_URL), each side
 * in worker processes of its own (this process only enqueues and measures), with a no-op task.
 * Per side and mode, on a fresh database: a warm-up, then
 *
 * - latency: a steady trickle of single enqueues (--rate per second for --seconds), enqueue → handler
 *   start, both stamped on the wall clock (this process before the enqueue call, the worker as its
 *   handler starts): the same method for both sides; also the part after the enqueue call answered;
 * - throughput: N tasks enqueued up front in bulk (chunks of --chunk), tasks/s from the first
 *   enqueue to the last completion (the queue's own record: our SUCCESS rows, graphile's deleted jobs).
 *
 * Each side runs batched (ours: a backlog claimed ahead of the slots — prefetch = --local-queue —
 * settles shared; graphile: localQueue.size = --local-queue, batched completions, Node time) and
 * unbatched (ours: one task per claim call, one settle per task; graphile: its defaults). Every task
 * must have run exactly once and be completed in the database, or the bench fails. Results: a table
 * with the ratios ours/graphile (throughput) and graphile/ours (latency), and JSON under --out.
 *
 * Options: --tasks N (20000), --processes N (2), --concurrency N (8 per process), --rate N (200/s),
 * --seconds N (10), --warmup N (1000), --chunk N (1000), --modes batched,unbatched,
 * --sides ours,graphile, --local-queue N (500), --settle-batch N (64) and --settle-flush-ms N (5)
 * for ours batched, --graphile-batch-delay N (0), --no-fsync, --out DIR (bench-results).
 * OUTBOX_BENCH_NODE_OPTIONS: extra node flags for the worker processes (e.g. --cpu-prof).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openPostgres, startEmbeddedPostgres } from '@ivm/adapters-postgres';
import type { TaskSpec } from '@ivm/domain';
import { makeWorkerUtils, runMigrations, Logger, type WorkerUtils } from 'graphile-worker';
import pg from 'pg';
import { fmt, quantile, writeSummary } from './measure';
import { type GraphileWorkerConfig, type OursWorkerConfig, TASK_ID_PREFIX, type WorkerMessage } from './outbox/protocol';

const { values: args } = parseArgs({
  options: {
    tasks: { type: 'string', default: '20000' },
    processes: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '8' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '1000' },
    chunk: { type: 'string', default: '1000' },
    modes: { type: 'string', default: 'batched,unbatched' },
    sides: { type: 'string', default: 'ours,graphile' },
    'settle-flush-ms': { type: 'string', default: '5' },
    'settle-batch': { type: 'string', default: '64' },
    'local-queue': { type: 'string', default: '500' },
    'graphile-batch-delay': { type: 'string', default: '0' },
    'no-fsync': { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-results' },
  },
});

function positive(name: string, text: string | undefined, min = 1): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${text}`);
  return n;
}
function listOf<T extends string>(name: string, text: string | undefined, allowed: readonly T[]): T[] {
  const items = (text ?? '').split(',').filter((item) => item !== '');
  for (const item of items) if (!(allowed as readonly string[]).includes(item)) throw new Error(`--${name}: ${item} is not one of ${allowed.join(', ')}`);
  if (items.length === 0) throw new Error(`--${name} names none of ${allowed.join(', ')}`);
  return items as T[];
}

const SIDES = ['ours', 'graphile'] as const;
const MODES = ['batched', 'unbatched'] as const;
type Side = (typeof SIDES)[number];
type Mode = (typeof MODES)[number];

const TASKS = positive('tasks', args.tasks);
const PROCESSES = positive('processes', args.processes);
const CONCURRENCY = positive('concurrency', args.concurrency);
const RATE = positive('rate', args.rate);
const SECONDS = positive('seconds', args.seconds);
const WARMUP = positive('warmup', args.warmup, 0);
const CHUNK = positive('chunk', args.chunk);
const RUN_MODES = listOf('modes', args.modes, MODES);
const RUN_SIDES = listOf('sides', args.sides, SIDES);
const SETTLE_FLUSH_MS = positive('settle-flush-ms', args['settle-flush-ms'], 0);
const SETTLE_BATCH = positive('settle-batch', args['settle-batch']);
const LOCAL_QUEUE = positive('local-queue', args['local-queue'], 0);
const GRAPHILE_BATCH_DELAY = positive('graphile-batch-delay', args['graphile-batch-delay'], 0);
const TRICKLE = RATE * SECONDS;
/** Both sides' pools: a connection per slot and two more (ours listens on an extra one, graphile on one of its pool's). */
const POOL_SIZE = CONCURRENCY + 2;
const POLL_MS = 1_000;
const ROOT = resolve(__dirname, '../../..');
const OURS_ENTRY = join(ROOT, 'apps/worker/bench/outbox-bench-worker.ts');
const GRAPHILE_ENTRY = join(__dirname, 'outbox/graphile-bench-worker.ts');

/** Wall clock with sub-millisecond resolution, comparable across this machine's processes. */
const wallNow = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

// ---------------------------------------------------------------------------------------------
// The server

interface Server {
  readonly adminUrl: string;
  readonly embedded: boolean;
  stop(): Promise<void>;
}

async function startServer(): Promise<Server> {
  const url = process.env['DATABASE_URL'];
  if (url) return { adminUrl: url, embedded: false, stop: async () => undefined };
  const dataDir = await mkdtemp(join(tmpdir(), 'ivm-outbox-bench-'));
  const settings: Record<string, string> = { max_connections: '200', shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'top' };
  if (args['no-fsync']) Object.assign(settings, { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' });
  const server = await startEmbeddedPostgres({ dataDir, createPostgresUser: true, settings });
  return {
    adminUrl: server.connectionString,
    embedded: true,
    stop: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function databaseUrl(adminUrl: string, database: string, untracked: boolean): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  // The bench's own statements (enqueues, progress polls) stay out of pg_stat_statements: it counts the workers' only.
  if (untracked) url.searchParams.set('options', '-c pg_stat_statements.track=none');
  return url.toString();
}

/** A pool whose idle connections may be ended by the server (DROP DATABASE … WITH (FORCE) after the run) without failing the bench. */
function quietPool(url: string, max = 2): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

async function withClient<T>(url: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// The two sides, as this process sees them: how to enqueue, what is left, what the database says at the end

interface Producer {
  enqueueMany(ids: readonly number[]): Promise<void>;
  enqueueOne(id: number): Promise<void>;
  /** Tasks not completed yet, by the queue's own record. */
  remaining(): Promise<number>;
  /** After the run: problems found in the database, and what it holds. */
  verify(total: number): Promise<{ readonly completed: number; readonly problems: string[] }>;
  close(): Promise<void>;
}

const oursSpec = (id: number): TaskSpec => ({
  taskId: `${TASK_ID_PREFIX}${id}`,
  type: 'COMPILE_TASK',
  payload: { tenantId: 'bench', jobId: `job-${id}`, entities: [{ entityKey: 'product#P1', version: 1 }], sinkIds: [] },
  maxAttempts: 10,
});

async function oursProducer(url: string): Promise<Producer> {
  const postgres = await openPostgres({ connectionString: url, poolSize: 4, listen: false, applicationName: 'outbox-bench', onError: () => undefined });
  const pool = quietPool(url);
  const count = async (sql: string): Promise<number> => (await pool.query<{ n: number }>(sql)).rows[0]?.n ?? NaN;
  return {
    enqueueMany: async (ids) => void (await postgres.outbox.enqueue(ids.map(oursSpec))),
    enqueueOne: async (id) => void (await postgres.outbox.enqueue([oursSpec(id)])),
    // Through the partial claim and reap indexes.
    remaining: () =>
      count(`SELECT ((SELECT count(*) FROM outbox_tasks WHERE status = 'PENDING') + (SELECT count(*) FROM outbox_tasks WHERE status = 'RUNNING'))::int AS n`),
    verify: async (total) => {
      const { rows } = await pool.query<{ status: string; n: number; retried: number }>(
        `SELECT status, count(*)::int AS n, count(*) FILTER (WHERE attempt <> 1)::int AS retried FROM outbox_tasks GROUP BY status`,
      );
      const problems: string[] = [];
      let completed = 0;
      for (const row of rows) {
        if (row.status === 'SUCCESS') completed = row.n;
        else problems.push(`${row.n} tasks ${row.status}`);
        if (row.retried > 0) problems.push(`${row.retried} ${row.status} tasks took more than one attempt`);
      }
      if (completed !== total) problems.push(`${completed} SUCCESS tasks, expected ${total}`);
      return { completed, problems };
    },
    close: async () => {
      await pool.end();
      await postgres.close();
    },
  };
}

async function graphileProducer(url: string): Promise<Producer> {
  const logger = new Logger(() => () => undefined);
  await runMigrations({ connectionString: url, logger });
  const pool = quietPool(url);
  const utilsPool = quietPool(url, 4);
  const utils: WorkerUtils = await makeWorkerUtils({ pgPool: utilsPool, logger });
  const count = async (sql: string): Promise<number> => (await pool.query<{ n: number }>(sql)).rows[0]?.n ?? NaN;
  return {
    enqueueMany: async (ids) => void (await utils.addJobs(ids.map((n) => ({ identifier: 'bench', payload: { n } })))),
    enqueueOne: async (n) => void (await utils.addJob('bench', { n })),
    // graphile-worker deletes a job when it completes (a failed one stays, with its error).
    remaining: () => count('SELECT count(*)::int AS n FROM graphile_worker._private_jobs'),
    verify: async () => {
      const { rows } = await pool.query<{ n: number; failed: number }>(
        'SELECT count(*)::int AS n, count(*) FILTER (WHERE last_error IS NOT NULL)::int AS failed FROM graphile_worker._private_jobs',
      );
      const left = rows[0]?.n ?? NaN;
      const problems = left === 0 ? [] : [`${left} jobs left in graphile_worker._private_jobs (${rows[0]?.failed ?? 0} with an error)`];
      return { completed: NaN, problems };
    },
    close: async () => {
      await utils.release();
      await utilsPool.end();
      await pool.end();
    },
  };
}

function workerConfig(side: Side, mode: Mode, url: string): OursWorkerConfig | GraphileWorkerConfig {
  const common = { connectionString: url, concurrency: CONCURRENCY, poolSize: POOL_SIZE, pollMs: POLL_MS };
  if (side === 'ours') {
    return mode === 'batched'
      ? { ...common, prefetch: LOCAL_QUEUE, claimBatchSize: CONCURRENCY + LOCAL_QUEUE, settleBatchSize: SETTLE_BATCH, settleFlushMs: SETTLE_FLUSH_MS }
      : { ...common, prefetch: 0, claimBatchSize: 1, settleBatchSize: 1, settleFlushMs: 0 };
  }
  return {
    ...common,
    preset:
      mode === 'batched'
        ? {
            ...(LOCAL_QUEUE > 0 ? { localQueue: { size: LOCAL_QUEUE } } : {}),
            completeJobBatchDelay: GRAPHILE_BATCH_DELAY,
            failJobBatchDelay: GRAPHILE_BATCH_DELAY,
            useNodeTime: true,
            preparedStatements: true,
          }
        : {},
  };
}

// ---------------------------------------------------------------------------------------------
// Worker processes and what they report

/** Every task's runs (any count but 1 is a failure) and first start time, by id. */
class Runs {
  readonly counts: Uint16Array;
  readonly startedAt: Float64Array;
  total = 0;
  private waiting: { readonly target: number; readonly done: () => void }[] = [];

  constructor(size: number) {
    this.counts = new Uint16Array(size);
    this.startedAt = new Float64Array(size);
  }

  record(ids: readonly number[], startedAt: readonly number[]): void {
    ids.forEach((id, i) => {
      if (!Number.isSafeInteger(id) || id < 0 || id >= this.counts.length) throw new Error(`a worker ran an unknown task ${id}`);
      const count = this.counts[id] ?? 0;
      if (count === 0) this.startedAt[id] = startedAt[i] ?? NaN;
      this.counts[id] = Math.min(count + 1, 65_535);
    });
    this.total += ids.length;
    this.waiting = this.waiting.filter((w) => (this.total >= w.target ? (w.done(), false) : true));
  }

  /** Resolves once `target` runs have been reported in all. */
  until(target: number): Promise<void> {
    if (this.total >= target) return Promise.resolve();
    return new Promise((done) => this.waiting.push({ target, done }));
  }
}

interface Worker {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly stopped: Promise<Extract<WorkerMessage, { type: 'stopped' }>>;
  readonly exited: Promise<number | null>;
}

/** Worker processes alive now, killed if the bench is interrupted. */
const children = new Set<ChildProcess>();

function spawnWorker(side: Side, config: OursWorkerConfig | GraphileWorkerConfig, runs: Runs): Worker {
  const entry = side === 'ours' ? OURS_ENTRY : GRAPHILE_ENTRY;
  // OUTBOX_BENCH_NODE_OPTIONS: extra node flags for the worker processes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them.
  const extra = (process.env['OUTBOX_BENCH_NODE_OPTIONS'] ?? '').split(' ').filter((flag) => flag !== '');
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, OUTBOX_BENCH_WORKER: JSON.stringify(config), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  children.add(child);
  const exited = new Promise<number | null>((done) =>
    child.once('exit', (code) => {
      children.delete(child);
      done(code);
    }),
  );
  let markReady: () => void = () => undefined;
  let markStopped: (message: Extract<WorkerMessage, { type: 'stopped' }>) => void = () => undefined;
  const ready = new Promise<void>((done) => (markReady = done));
  const stopped = new Promise<Extract<WorkerMessage, { type: 'stopped' }>>((done) => (markStopped = done));
  child.on('message', (message: WorkerMessage) => {
    if (message.type === 'ready') markReady();
    else if (message.type === 'ran') runs.record(message.ids, message.startedAt);
    else markStopped(message);
  });
  const failed = exited.then((code) => {
    throw new Error(`a ${side} worker process exited (code ${code}) before it was done`);
  });
  failed.catch(() => undefined);
  return { child, ready: Promise.race([ready, failed]), stopped: Promise.race([stopped, failed]), exited };
}

/** CPU time (user + system, ms) a process has used so far, from /proc; NaN where there is none. */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

// ---------------------------------------------------------------------------------------------
// One side in one mode

interface StatementCount {
  readonly query: string;
  readonly calls: number;
  readonly meanMs: number;
}

interface RunResult {
  readonly side: Side;
  readonly mode: Mode;
  readonly settings: unknown;
  readonly throughput: {
    readonly tasks: number;
    readonly seconds: number;
    readonly perSecond: number;
    readonly enqueueSeconds: number;
    readonly workerCpuMsPer1000: number;
    readonly statementsPerTask: number | null;
    readonly dbExecMsPerTask: number | null;
    readonly topStatements: readonly StatementCount[];
  };
  readonly latency: {
    readonly tasks: number;
    readonly rate: number;
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
    readonly min: number;
    /** How long the enqueue call took (commit included): part of every latency above, the same for both sides' shapes of statement. */
    readonly enqueueP50: number;
    readonly enqueueP99: number;
    /** Start minus the moment the enqueue call answered (negative when the worker started before the producer heard back). */
    readonly pickupP50: number;
    readonly pickupP99: number;
  };
  readonly correctness: {
    readonly enqueued: number;
    readonly ranOnce: number;
    readonly ranTwiceOrMore: number;
    readonly neverRan: number;
    readonly completedInDb: number;
    readonly problems: readonly string[];
  };
  readonly storeCalls?: unknown;
}

async function statementStats(adminUrl: string, database: string): Promise<StatementCount[] | null> {
  try {
    return await withClient(adminUrl, async (client) => {
      const { rows } = await client.query<{ query: string; calls: string; total: number }>(
        `SELECT s.query, s.calls::text AS calls, s.total_exec_time AS total FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
         WHERE d.datname = $1 ORDER BY s.calls DESC`,
        [database],
      );
      return rows.map((row) => ({ query: row.query.replace(/\s+/g, ' ').slice(0, 120), calls: Number(row.calls), meanMs: row.total / Number(row.calls) }));
    });
  } catch {
    return null;
  }
}

async function resetStatementStats(adminUrl: string): Promise<boolean> {
  try {
    await withClient(adminUrl, (client) => client.query('SELECT pg_stat_statements_reset()'));
    return true;
  } catch {
    return false;
  }
}

function progressPrinter(label: string, runs: Runs, from: number, count: number): () => void {
  const start = performance.now();
  const timer = setInterval(() => {
    const done = Math.max(0, runs.total - from);
    const seconds = (performance.now() - start) / 1000;
    console.log(`    ${label}: ${fmt(done)}/${fmt(count)} ran (${fmt(done / seconds)}/s)`);
  }, 2_000);
  return () => clearInterval(timer);
}

async function drained(producer: Producer): Promise<void> {
  const deadline = performance.now() + 120_000;
  while ((await producer.remaining()) > 0) {
    if (performance.now() > deadline) throw new Error('tasks were still not completed in the database 2 minutes after they all ran');
    await sleep(2);
  }
}

async function runSide(server: Server, side: Side, mode: Mode): Promise<RunResult> {
  const database = `outbox_bench_${side}_${mode}`;
  await withClient(server.adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${database}`);
  });
  const workerUrl = databaseUrl(server.adminUrl, database, false);
  const producerUrl = databaseUrl(server.adminUrl, database, server.embedded);
  const producer = side === 'ours' ? await oursProducer(producerUrl) : await graphileProducer(producerUrl);
  const total = WARMUP + TASKS + TRICKLE;
  const runs = new Runs(total);
  const config = workerConfig(side, mode, workerUrl);
  const label = `${side}/${mode}`;
  console.log(`\n${label}: starting ${PROCESSES} worker processes…`);
  const workers = Array.from({ length: PROCESSES }, () => spawnWorker(side, config, runs));
  let closed = false;
  try {
    await Promise.all(workers.map((w) => w.ready));

    // Warm-up: JIT, connections, prepared statements.
    if (WARMUP > 0) {
      console.log(`  warm-up: ${fmt(WARMUP)} tasks`);
      for (let at = 0; at < WARMUP; at += CHUNK) await producer.enqueueMany(range(at, Math.min(WARMUP, at + CHUNK)));
      await runs.until(WARMUP);
      await drained(producer);
    }

    // Latency: a steady trickle below capacity, each task enqueued on its own.
    console.log(`  latency: ${fmt(RATE)} enqueues/s for ${SECONDS} s`);
    const base = WARMUP;
    const enqueuedAt = new Float64Array(TRICKLE);
    const enqueueMs = new Float64Array(TRICKLE);
    const sends: Promise<void>[] = [];
    const start = performance.now();
    for (let k = 0; k < TRICKLE; k++) {
      const wait = start + (k * 1000) / RATE - performance.now();
      if (wait > 0) await sleep(wait);
      const at = (enqueuedAt[k] = wallNow());
      sends.push(producer.enqueueOne(base + k).then(() => void (enqueueMs[k] = wallNow() - at)));
    }
    await Promise.all(sends);
    await runs.until(WARMUP + TRICKLE);
    await drained(producer);
    const latencies = Array.from(enqueuedAt, (at, k) => (runs.startedAt[base + k] ?? NaN) - at);
    const latency = {
      tasks: TRICKLE,
      rate: RATE,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      max: Math.max(...latencies),
      min: Math.min(...latencies),
      enqueueP50: quantile([...enqueueMs], 0.5),
      enqueueP99: quantile([...enqueueMs], 0.99),
      // From the enqueue call's answer (its commit acknowledged) to the start: the queue's own pickup, without the producer's commit.
      pickupP50: quantile(
        latencies.map((latency, k) => latency - (enqueueMs[k] ?? NaN)),
        0.5,
      ),
      pickupP99: quantile(
        latencies.map((latency, k) => latency - (enqueueMs[k] ?? NaN)),
        0.99,
      ),
    };
    console.log(
      `  latency: p50 ${fmt(latency.p50, 2)} ms, p99 ${fmt(latency.p99, 2)} ms (the enqueue call itself: p50 ${fmt(latency.enqueueP50, 2)} ms, p99 ${fmt(latency.enqueueP99, 2)} ms; ` +
        `from its answer to the start: p50 ${fmt(latency.pickupP50, 2)} ms, p99 ${fmt(latency.pickupP99, 2)} ms)`,
    );

    // Throughput: everything enqueued up front, in bulk.
    const tracked = server.embedded && (await resetStatementStats(server.adminUrl));
    const cpuBefore = workers.map((w) => cpuMs(w.child.pid));
    console.log(`  throughput: ${fmt(TASKS)} tasks enqueued in chunks of ${fmt(CHUNK)}`);
    const stopProgress = progressPrinter(label, runs, WARMUP + TRICKLE, TASKS);
    const t0 = performance.now();
    for (let at = WARMUP + TRICKLE; at < total; at += CHUNK) await producer.enqueueMany(range(at, Math.min(total, at + CHUNK)));
    const enqueueSeconds = (performance.now() - t0) / 1000;
    await runs.until(total);
    await drained(producer);
    const seconds = (performance.now() - t0) / 1000;
    stopProgress();
    const workerCpu = workers.reduce((sum, w, i) => sum + cpuMs(w.child.pid) - (cpuBefore[i] ?? NaN), 0);
    const statements = tracked ? await statementStats(server.adminUrl, database) : null;
    const statementCalls = statements?.reduce((sum, s) => sum + s.calls, 0);
    const dbMs = statements?.reduce((sum, s) => sum + s.calls * s.meanMs, 0);
    console.log(`  throughput: ${fmt(TASKS / seconds)} tasks/s (${fmt(seconds, 2)} s; enqueue ${fmt(enqueueSeconds, 2)} s)`);

    // Stop, then check: every task ran exactly once, and the queue records every one completed.
    for (const w of workers) w.child.send({ type: 'stop' });
    const reports = await Promise.all(workers.map((w) => w.stopped));
    await Promise.all(workers.map((w) => w.exited));
    closed = true;
    let ranOnce = 0;
    let ranTwiceOrMore = 0;
    let neverRan = 0;
    for (const count of runs.counts) {
      if (count === 1) ranOnce += 1;
      else if (count === 0) neverRan += 1;
      else ranTwiceOrMore += 1;
    }
    const db = await producer.verify(total);
    const problems = [...db.problems];
    if (ranTwiceOrMore > 0) problems.push(`${ranTwiceOrMore} tasks ran more than once`);
    if (neverRan > 0) problems.push(`${neverRan} tasks never ran`);
    if (runs.total !== total) problems.push(`${runs.total} runs reported for ${total} tasks`);
    if (!(latency.min >= 0)) problems.push(`a negative or missing latency (${latency.min} ms): the clocks do not agree`);
    return {
      side,
      mode,
      settings: { ...config, connectionString: undefined },
      throughput: {
        tasks: TASKS,
        seconds,
        perSecond: TASKS / seconds,
        enqueueSeconds,
        workerCpuMsPer1000: (workerCpu / TASKS) * 1000,
        statementsPerTask: statementCalls === undefined ? null : statementCalls / TASKS,
        dbExecMsPerTask: dbMs === undefined ? null : dbMs / TASKS,
        topStatements: statements?.slice(0, 8) ?? [],
      },
      latency,
      correctness: {
        enqueued: total,
        ranOnce,
        ranTwiceOrMore,
        neverRan,
        completedInDb: side === 'ours' ? db.completed : total - (await producer.remaining()),
        problems,
      },
      storeCalls: side === 'ours' ? reports.map((r) => r.calls) : undefined,
    };
  } finally {
    if (!closed) for (const w of workers) w.child.kill('SIGKILL');
    await producer.close();
    await withClient(server.adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).catch(() => undefined);
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

// ---------------------------------------------------------------------------------------------
// Report

function printColumns(rows: readonly (readonly string[])[]): void {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length))) ?? [];
  console.log('');
  for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('   '));
}

const ratio = (a: number | undefined, b: number | undefined): string => (a && b ? `${(a / b).toFixed(2)}×` : '—');

async function main(): Promise<void> {
  console.log(
    `bench:outbox — ${fmt(TASKS)} tasks, ${PROCESSES} processes × concurrency ${CONCURRENCY}, latency at ${RATE}/s for ${SECONDS} s, ` +
      `warm-up ${fmt(WARMUP)}; sides ${RUN_SIDES.join(', ')}; modes ${RUN_MODES.join(', ')}; node ${process.version}`,
  );
  const server = await startServer();
  // Ctrl-C or a kill: no worker process or PostgreSQL server is left behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the worker processes and the server`);
      for (const child of children) child.kill('SIGKILL');
      void server.stop().finally(() => process.exit(130));
    });
  if (server.embedded) await withClient(server.adminUrl, (client) => client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements'));
  const version = await withClient(
    server.adminUrl,
    async (client) => (await client.query<{ v: string }>('SELECT current_setting($$server_version$$) AS v')).rows[0]?.v,
  );
  console.log(`PostgreSQL ${version} (${server.embedded ? `embedded${args['no-fsync'] ? ', fsync off' : ''}` : 'DATABASE_URL'})`);
  const results: RunResult[] = [];
  try {
    // Which side goes first alternates by mode, so a slow spell of this shared machine does not always fall on the same side.
    for (const [i, mode] of RUN_MODES.entries())
      for (const side of i % 2 === 0 ? RUN_SIDES : [...RUN_SIDES].reverse()) results.push(await runSide(server, side, mode));
  } finally {
    await server.stop();
  }

  const find = (side: Side, mode: Mode): RunResult | undefined => results.find((r) => r.side === side && r.mode === mode);
  const rows: string[][] = [['', 'ours', 'graphile-worker', 'ratio']];
  for (const mode of RUN_MODES) {
    const ours = find('ours', mode);
    const graphile = find('graphile', mode);
    const cell = (r: RunResult | undefined, value: (r: RunResult) => number, digits: number, unit: string): string =>
      r ? `${fmt(value(r), digits)} ${unit}` : '—';
    rows.push([
      `${mode}: throughput`,
      cell(ours, (r) => r.throughput.perSecond, 0, 'tasks/s'),
      cell(graphile, (r) => r.throughput.perSecond, 0, 'tasks/s'),
      `${ratio(ours?.throughput.perSecond, graphile?.throughput.perSecond)} ours/graphile`,
    ]);
    for (const q of ['p50', 'p99'] as const)
      rows.push([
        `${mode}: enqueue→start ${q}`,
        cell(ours, (r) => r.latency[q], 2, 'ms'),
        cell(graphile, (r) => r.latency[q], 2, 'ms'),
        `${ratio(graphile?.latency[q], ours?.latency[q])} graphile/ours`,
      ]);
    for (const [q, key] of [
      ['p50', 'pickupP50'],
      ['p99', 'pickupP99'],
    ] as const)
      rows.push([
        `${mode}:   of which after the enqueue answered, ${q}`,
        cell(ours, (r) => r.latency[key], 2, 'ms'),
        cell(graphile, (r) => r.latency[key], 2, 'ms'),
        '',
      ]);
    rows.push([
      `${mode}: worker CPU per 1,000 tasks`,
      cell(ours, (r) => r.throughput.workerCpuMsPer1000, 0, 'ms'),
      cell(graphile, (r) => r.throughput.workerCpuMsPer1000, 0, 'ms'),
      '',
    ]);
    rows.push([
      `${mode}: SQL statements per task`,
      cell(ours, (r) => r.throughput.statementsPerTask ?? NaN, 2, ''),
      cell(graphile, (r) => r.throughput.statementsPerTask ?? NaN, 2, ''),
      '',
    ]);
    rows.push([
      `${mode}: DB execution per task`,
      cell(ours, (r) => (r.throughput.dbExecMsPerTask ?? NaN) * 1000, 0, 'µs'),
      cell(graphile, (r) => (r.throughput.dbExecMsPerTask ?? NaN) * 1000, 0, 'µs'),
      '',
    ]);
  }
  printColumns(rows);

  const check: string[][] = [['correctness', 'enqueued', 'ran once', 'ran twice+', 'never ran', 'completed in DB', 'verdict']];
  for (const r of results)
    check.push([
      `${r.side}/${r.mode}`,
      fmt(r.correctness.enqueued),
      fmt(r.correctness.ranOnce),
      fmt(r.correctness.ranTwiceOrMore),
      fmt(r.correctness.neverRan),
      fmt(r.correctness.completedInDb),
      r.correctness.problems.length === 0 ? 'ok' : 'FAILED',
    ]);
  printColumns(check);

  await writeSummary(args.out ?? 'bench-results', 'outbox', {
    tasks: TASKS,
    processes: PROCESSES,
    concurrency: CONCURRENCY,
    rate: RATE,
    seconds: SECONDS,
    warmup: WARMUP,
    chunk: CHUNK,
    server: server.embedded ? `embedded PostgreSQL ${version}${args['no-fsync'] ? ' (fsync off)' : ''}` : `DATABASE_URL (PostgreSQL ${version})`,
    results,
  });
  const failures = results.flatMap((r) => r.correctness.problems.map((p) => `${r.side}/${r.mode}: ${p}`));
  if (failures.length > 0) throw new Error(`correctness check failed:\n  ${failures.join('\n  ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
