/**
 * npm run bench:deploy — POST deploys end to end on embedded engines the bench starts: dynalite
 * (a process of its own, counting every request it serves) and PostgreSQL (a temporary directory,
 * with pg_stat_statements), a webhook receiver as the `personalize` sink, and the deploy use cases
 * wired as the API wires them (`openEngines`, `assembleServices`). In one run:
 *
 * 1. baseline: single-item PutItem of a raw-record-sized item into the same dynalite at the
 *    deploys' client concurrency, measured before and after every phase (a phase's ratio uses the
 *    mean of the two around it: the machine is shared, its speed drifts);
 * 2. sync deploys (compile sync, ship null) of one product each through `createDeploy` in this
 *    process, and with --http also over HTTP to the API process (`npm run api`, `buildServer`);
 * 3. async deploys (compile async, ship async to personalize) of one product each, enqueued through
 *    `createDeploy` here and run by worker processes (`npm run worker`; --workers 0: `startWorker`
 *    in this process), from the first POST until every job is DONE and the receiver holds every
 *    document at its version.
 *
 * Beside each rate: DynamoDB requests and PostgreSQL statements per deploy, the CPU each process
 * spent per deploy, and the CPU-cost ratio (PutItems per CPU-second over deploys per CPU-second),
 * which the load of other processes on the machine disturbs far less than a rate. Exits 1 when a
 * job does not reach DONE or a document is missing or wrong at the receiver.
 *
 * Options: --deploys N (async, default 2000), --sync-deploys N (1000), --concurrency N (8),
 * --workers N (1; 0 = in-process), --worker-concurrency N (8), --latency-deploys N (50: async deploys
 * one at a time, for the enqueue→DONE latency without a backlog), --http, --dynalite memory|disk,
 * --no-fsync, --cpu-prof DIR, --out DIR.
 */
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '@ivm/adapters-dynamodb';
import { loadContractRegistry } from '@ivm/adapters-fs';
import { startWebhookReceiver, type WebhookReceiver } from '@ivm/adapters-webhook/testing';
import type { DeployServices } from '@ivm/application';
import {
  assembleServices,
  type Engines,
  loadSinkConfig,
  loadTaskConfig,
  loadWorkerRuntimeConfig,
  openEngines,
  processOwner,
  startWorker,
  workerSettingsFrom,
} from '@ivm/runtime';
import type { Pool } from 'pg';
import { startMonitoredPostgres, statementCounts, unfinishedTasks } from './deploy/monitored-postgres';
import { fmt, printTable, quantile, type Row, writeSummary } from './measure';
import {
  cpuSeconds,
  type DynaliteProcess,
  freePort,
  machineBusySeconds,
  postgresCpuSeconds,
  ROOT,
  type ServiceProcess,
  startDynaliteProcess,
  startService,
} from './deploy/processes';

const { values: args } = parseArgs({
  options: {
    deploys: { type: 'string', default: '2000' },
    'sync-deploys': { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '8' },
    workers: { type: 'string', default: '1' },
    'worker-concurrency': { type: 'string', default: '8' },
    'latency-deploys': { type: 'string', default: '50' },
    http: { type: 'boolean', default: false },
    dynalite: { type: 'string', default: 'memory' },
    'no-fsync': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const ASYNC_DEPLOYS = whole('deploys', args.deploys, 1);
const SYNC_DEPLOYS = whole('sync-deploys', args['sync-deploys'], 1);
const CONCURRENCY = whole('concurrency', args.concurrency, 1);
const WORKERS = whole('workers', args.workers, 0);
const WORKER_CONCURRENCY = whole('worker-concurrency', args['worker-concurrency'], 1);
const LATENCY_DEPLOYS = whole('latency-deploys', args['latency-deploys'], 0);
if (args.dynalite !== 'memory' && args.dynalite !== 'disk') throw new Error(`--dynalite must be memory or disk, got ${args.dynalite}`);
const DYNALITE_ON_DISK = args.dynalite === 'disk';
const FSYNC = !args['no-fsync'];
const CPU_PROF = args['cpu-prof'] === undefined ? undefined : resolve(args['cpu-prof']);
const BASELINE_PUTS = 2_000;
const WARMUP_SYNC = 200;
const WARMUP_ASYNC = 100;
const TENANT = 'bench';
const PREFIX = 'bench_';
const SINK = 'personalize';
/** No job reaching DONE for this long fails the run. */
const STALL_MS = 60_000;
const WORKER_MODE =
  WORKERS === 0
    ? `an in-process worker (startWorker, concurrency ${WORKER_CONCURRENCY})`
    : `${WORKERS} worker process${WORKERS === 1 ? '' : 'es'} (npm run worker, concurrency ${WORKER_CONCURRENCY})`;

function whole(name: string, text: string | undefined, min: number): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${text}`);
  return n;
}

const productDoc = (sku: string, version: number): Record<string, unknown> => ({
  sku,
  name: `Moisture Cream ${sku}`,
  brand_id: 'B1',
  category_ids: ['C1', 'C2'],
  price: 19000 + version * 100,
  currency: 'KRW',
  status: 'ACTIVE',
  attributes: { volume: '50ml', skin_type: 'dry', origin: 'KR' },
});

const deployBody = (sku: string, version: number, mode: 'sync' | 'async'): Record<string, unknown> => ({
  records: [{ entityType: 'product', entityId: sku, version, data: productDoc(sku, version) }],
  ...(mode === 'sync' ? { compile: 'sync', ship: null } : { compile: 'async', ship: { mode: 'async', sinks: [SINK] } }),
});

const quietLogger = {
  debug: (): void => undefined,
  info: (): void => undefined,
  warn: (fields: object, message: string): void => console.warn(`  [bench] ${message} ${JSON.stringify(fields)}`),
  error: (fields: object, message: string): void => console.error(`  [bench] ${message} ${JSON.stringify(fields)}`),
};

/** Runs `count` calls of `work`, `concurrency` at a time; answers each call's latency (ms) and prints progress every second. */
async function runConcurrently(label: string, count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const ticker = setInterval(() => {
    console.log(`  ${label}: ${fmt(latencies.length)}/${fmt(count)} (${fmt(latencies.length / ((performance.now() - start) / 1000))}/s)`);
  }, 1_000);
  try {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, count) }, async () => {
        while (next < count) {
          const i = next++;
          const t = performance.now();
          await work(i);
          latencies.push(performance.now() - t);
        }
      }),
    );
  } finally {
    clearInterval(ticker);
  }
  return latencies;
}

interface Rate {
  readonly count: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Latency quantiles, ms. */
  readonly p50: number;
  readonly p99: number;
}

function rate(count: number, seconds: number, latencies: readonly number[]): Rate {
  return { count, seconds, perSecond: count / seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

/** The engines and processes whose work a phase meters. */
interface World {
  readonly dynalite: DynaliteProcess;
  readonly engines: Engines;
  readonly monitor: Pool;
  readonly pgData: string;
  readonly workers: ServiceProcess[];
  api?: ServiceProcess;
}

/** CPU seconds so far: each of our processes, and the whole machine (`machine`, every process on it). */
function cpuNow(world: World): Record<string, number> {
  const own = process.cpuUsage();
  const cpu: Record<string, number> = {
    bench: (own.user + own.system) / 1e6,
    dynalite: cpuSeconds(world.dynalite.pid),
    postgres: postgresCpuSeconds(world.pgData),
  };
  for (const worker of world.workers) cpu[worker.name] = cpuSeconds(worker.pid);
  if (world.api) cpu['api'] = cpuSeconds(world.api.pid);
  cpu['machine'] = machineBusySeconds();
  return cpu;
}

function cpuDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([name, s]) => [name, s - (before[name] ?? 0)]));
}

/** CPU seconds of our processes (not the machine's). */
const ourCpu = (cpu: Readonly<Record<string, number>>): number => Object.entries(cpu).reduce((sum, [name, s]) => (name === 'machine' ? sum : sum + s), 0);

interface Baseline extends Rate {
  /** CPU the client (this process) and dynalite spent per PutItem, ms. */
  readonly cpuMsPerPut: number;
}

/** Baseline: single-item PutItem of a raw-record-sized item (the raw store's item layout) into the same dynalite, CONCURRENCY at a time. */
async function putItemBaseline(world: World, round: number): Promise<Baseline> {
  console.log(`baseline ${round}: PutItem into the same dynalite, ${fmt(BASELINE_PUTS)} items, ${CONCURRENCY} at a time…`);
  const client = createDynamoClient({ endpoint: world.dynalite.endpoint, region: 'local', tablePrefix: PREFIX });
  try {
    const cpuBefore = cpuNow(world);
    const start = performance.now();
    const latencies = await runConcurrently(`baseline ${round}`, BASELINE_PUTS, CONCURRENCY, async (i) => {
      const sku = `BASE-${round}-${i}`;
      await client.send(
        new PutItemCommand({
          TableName: `${PREFIX}raw`,
          Item: {
            PK: { S: `${TENANT}#product#${sku}` },
            SK: { N: '1' },
            tenantId: { S: TENANT },
            entityKey: { S: `product#${sku}` },
            hash: { S: 'f'.repeat(64) },
            deleted: { BOOL: false },
            data: { S: JSON.stringify(productDoc(sku, 1)) },
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    });
    const seconds = (performance.now() - start) / 1000;
    const cpu = cpuDelta(cpuBefore, cpuNow(world));
    const result = { ...rate(BASELINE_PUTS, seconds, latencies), cpuMsPerPut: (((cpu['bench'] ?? NaN) + (cpu['dynalite'] ?? NaN)) * 1000) / BASELINE_PUTS };
    console.log(`  ${fmt(result.perSecond)} puts/s, ${fmt(result.cpuMsPerPut, 2)} ms CPU/put (client + dynalite)`);
    return result;
  } finally {
    client.destroy();
  }
}

/** What the engines and processes did during one phase. */
interface Usage {
  /** DynamoDB requests of every process (counted by dynalite), by operation. */
  readonly dynamo: Readonly<Record<string, number>>;
  /** DynamoDB requests this process's stores sent (the API's part, and the worker's when it runs here). */
  readonly dynamoHere: number;
  /** PostgreSQL statements (pg_stat_statements; each one a round trip) with their execution time (ms), by statement, most frequent first. */
  readonly postgres: readonly { readonly statement: string; readonly calls: number; readonly ms: number }[];
  /** CPU seconds by process, and of the whole machine. */
  readonly cpu: Readonly<Record<string, number>>;
  readonly seconds: number;
}

/** Starts metering a phase: PostgreSQL statement counts are reset, the other counters read. */
async function meter(world: World): Promise<{ finish(): Promise<Usage> }> {
  await world.monitor.query('SELECT pg_stat_statements_reset()');
  const dynamoBefore = await world.dynalite.counts();
  const hereBefore = world.engines.counter.total();
  const cpuBefore = cpuNow(world);
  const start = performance.now();
  return {
    finish: async () => {
      const seconds = (performance.now() - start) / 1000;
      const cpu = cpuDelta(cpuBefore, cpuNow(world));
      const dynamoAfter = await world.dynalite.counts();
      const dynamo: Record<string, number> = {};
      for (const [operation, n] of Object.entries(dynamoAfter)) if (n > (dynamoBefore[operation] ?? 0)) dynamo[operation] = n - (dynamoBefore[operation] ?? 0);
      const postgres = await statementCounts(world.monitor, 60);
      return { dynamo, dynamoHere: world.engines.counter.total() - hereBefore, postgres, cpu, seconds };
    },
  };
}

/** A phase's costs per deploy. */
function perDeploy(usage: Usage, deploys: number) {
  const per = (n: number): number => n / deploys;
  return {
    dynamoRequests: per(Object.values(usage.dynamo).reduce((a, b) => a + b, 0)),
    dynamoByOperation: Object.fromEntries(Object.entries(usage.dynamo).map(([op, n]) => [op, per(n)])),
    dynamoRequestsFromThisProcess: per(usage.dynamoHere),
    postgresStatements: per(usage.postgres.reduce((a, s) => a + s.calls, 0)),
    postgresExecMs: per(usage.postgres.reduce((a, s) => a + s.ms, 0)),
    postgresByStatement: usage.postgres.slice(0, 15).map((s) => ({ statement: s.statement, perDeploy: per(s.calls), execMsPerDeploy: per(s.ms) })),
    cpuMsPerDeploy: Object.fromEntries(Object.entries(usage.cpu).map(([name, s]) => [name, per(s * 1000)])),
    ourCpuMsPerDeploy: per(ourCpu(usage.cpu) * 1000),
    /** Share of one core each process used over the phase (the machine has availableParallelism() cores). */
    cpuShare: Object.fromEntries(Object.entries(usage.cpu).map(([name, s]) => [name, s / usage.seconds])),
  };
}

function describeUsage(usage: Usage, deploys: number): string {
  const per = perDeploy(usage, deploys);
  const ops = Object.entries(per.dynamoByOperation)
    .map(([op, n]) => `${op} ${fmt(n, 2)}`)
    .join(', ');
  const share = (seconds: number): string => `${fmt((seconds / usage.seconds) * 100)}%`;
  const ours = Object.entries(usage.cpu).filter(([name]) => name !== 'machine');
  const machine = usage.cpu['machine'] ?? NaN;
  const oursTotal = ourCpu(usage.cpu);
  return [
    `    DynamoDB: ${fmt(per.dynamoRequests, 2)} requests/deploy (${ops}; ${fmt(per.dynamoRequestsFromThisProcess, 2)} from this process)`,
    `    PostgreSQL: ${fmt(per.postgresStatements, 2)} statements/deploy (executing ${fmt(per.postgresExecMs, 2)} ms): ${per.postgresByStatement
      .slice(0, 8)
      .map((s) => `${fmt(s.perDeploy, 2)}× ${s.statement}`)
      .join(' | ')}`,
    `    CPU ms/deploy: ${ours.map(([name, s]) => `${name} ${fmt((s * 1000) / deploys, 1)}`).join(', ')}; ours ${fmt((oursTotal * 1000) / deploys, 1)}`,
    `    CPU share of one core over ${fmt(usage.seconds, 1)} s: ${ours.map(([name, s]) => `${name} ${share(s)}`).join(', ')}; ours ${share(oursTotal)}, whole machine ${share(machine)} of ${availableParallelism() * 100}% (other processes ${share(machine - oursTotal)})`,
  ].join('\n');
}

/** Sync deploys through createDeploy in this process: each must answer DONE. */
async function syncInProcess(deploys: DeployServices, label: string, prefix: string, count: number): Promise<Rate> {
  const start = performance.now();
  const latencies = await runConcurrently(label, count, CONCURRENCY, async (i) => {
    const result = await deploys.createDeploy({ tenantId: TENANT, body: deployBody(`${prefix}-${i}`, 1, 'sync') });
    if (result.job.state !== 'DONE') throw new Error(`sync deploy ${prefix}-${i} answered ${result.job.state}: ${JSON.stringify(result.job)}`);
  });
  return rate(count, (performance.now() - start) / 1000, latencies);
}

/** Sync deploys over HTTP to the API process: each must answer DONE. */
async function syncOverHttp(api: ServiceProcess, label: string, prefix: string, count: number): Promise<Rate> {
  const start = performance.now();
  const latencies = await runConcurrently(label, count, CONCURRENCY, async (i) => {
    const response = await fetch(`${api.url}/v1/tenants/${TENANT}/deploys`, {
      method: 'POST',
      headers: { authorization: 'Bearer bench-key', 'content-type': 'application/json' },
      body: JSON.stringify(deployBody(`${prefix}-${i}`, 1, 'sync')),
    });
    const text = await response.text();
    if (!response.ok || !text.includes('"state":"DONE"')) throw new Error(`POST deploys ${prefix}-${i} answered ${response.status}: ${text}`);
  });
  return rate(count, (performance.now() - start) / 1000, latencies);
}

interface AsyncTarget {
  readonly sku: string;
  readonly version: number;
}

interface AsyncRun {
  /** The POSTs (createDeploy answering 202 QUEUED), while the workers run. */
  readonly post: Rate;
  /** First POST → last DONE; latency: enqueue (job created) → DONE, by the database clock. */
  readonly endToEnd: Rate;
  /** The receiver's answers to this run's deliveries, by status. */
  readonly deliveries: Readonly<Record<string, number>>;
}

/**
 * Async deploys enqueued through createDeploy here while the workers run, waited for until every
 * job is DONE (a FAILED job, or none reaching DONE for STALL_MS, fails the run), then checked at the receiver.
 */
async function asyncDeploys(
  world: World,
  deploys: DeployServices,
  receiver: WebhookReceiver,
  label: string,
  targets: readonly AsyncTarget[],
): Promise<AsyncRun> {
  const jobIds: string[] = [];
  const deliveriesBefore = receiver.deliveries().length;
  const firstPost = Date.now();
  const start = performance.now();
  let posting = true;
  let states = new Map<string, number>();
  const allDone = (async () => {
    let done = -1;
    let progressAt = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 200));
      states = await jobStates(world.monitor, jobIds);
      const failed = states.get('FAILED') ?? 0;
      if (failed > 0) throw new Error(`${label}: ${failed} jobs FAILED\n${await unfinishedTasks(world.monitor, TENANT, jobIds)}`);
      const now = states.get('DONE') ?? 0;
      if (now !== done) [done, progressAt] = [now, Date.now()];
      else if (Date.now() - progressAt > STALL_MS)
        throw new Error(
          `${label}: no job reached DONE for ${STALL_MS / 1000} s: ${JSON.stringify(Object.fromEntries(states))}\n${await unfinishedTasks(world.monitor, TENANT, jobIds)}`,
        );
      if (!posting && now === targets.length) return;
    }
  })();
  const ticker = setInterval(() => {
    const done = states.get('DONE') ?? 0;
    console.log(
      `  ${label}: posted ${fmt(jobIds.length)}/${fmt(targets.length)}, DONE ${fmt(done)} (${fmt(done / ((Date.now() - firstPost) / 1000))}/s) ${JSON.stringify(Object.fromEntries(states))}`,
    );
  }, 1_000);
  try {
    let postLatencies: number[];
    try {
      postLatencies = await runConcurrently(`${label}, POST`, targets.length, CONCURRENCY, async (i) => {
        const { sku, version } = targets[i] as AsyncTarget;
        const result = await deploys.createDeploy({ tenantId: TENANT, body: deployBody(sku, version, 'async') });
        if (!result.accepted || result.job.state !== 'QUEUED') throw new Error(`async deploy ${sku}@${version} answered ${result.job.state}`);
        jobIds.push(result.job.jobId);
      });
    } finally {
      posting = false;
    }
    const postSeconds = (performance.now() - start) / 1000;
    await allDone;
    const times = await doneTimes(world.monitor, label, jobIds);
    checkReceiver(receiver, label, targets);
    const deliveries: Record<string, number> = {};
    for (const d of receiver.deliveries().slice(deliveriesBefore)) deliveries[String(d.status)] = (deliveries[String(d.status)] ?? 0) + 1;
    const lastDone = Math.max(...times.map((t) => t.done));
    return {
      post: rate(targets.length, postSeconds, postLatencies),
      endToEnd: rate(
        targets.length,
        (lastDone - firstPost) / 1000,
        times.map((t) => t.done - t.created),
      ),
      deliveries,
    };
  } finally {
    clearInterval(ticker);
    await allDone.catch(() => undefined);
  }
}

/** When each job was created (enqueued) and reached DONE, epoch ms by the database clock; every job must have. */
async function doneTimes(monitor: Pool, label: string, jobIds: readonly string[]): Promise<{ created: number; done: number }[]> {
  const { rows } = await monitor.query<{ created: number; done: number }>(
    `SELECT extract(epoch FROM j.created_at) * 1000 AS created, extract(epoch FROM t.at) * 1000 AS done
     FROM deploy_jobs j JOIN deploy_transitions t USING (tenant_id, job_id)
     WHERE j.tenant_id = $1 AND j.job_id = ANY($2) AND t.state = 'DONE'`,
    [TENANT, jobIds],
  );
  if (rows.length !== jobIds.length) throw new Error(`${label}: ${rows.length} DONE transitions for ${jobIds.length} jobs`);
  return rows.map((r) => ({ created: Number(r.created), done: Number(r.done) }));
}

/** Async deploys one at a time, each waited for until DONE: enqueue→DONE with no backlog (wake-up, claims, compile, ship, settles). */
async function asyncOneAtATime(world: World, deploys: DeployServices, receiver: WebhookReceiver, count: number): Promise<Rate> {
  const label = 'async deploys one at a time';
  const jobIds: string[] = [];
  const targets = Array.from({ length: count }, (_, i) => ({ sku: `L-${i}`, version: 1 }));
  const start = performance.now();
  await runConcurrently(label, count, 1, async (i) => {
    const { sku, version } = targets[i] as AsyncTarget;
    const result = await deploys.createDeploy({ tenantId: TENANT, body: deployBody(sku, version, 'async') });
    jobIds.push(result.job.jobId);
    const deadline = Date.now() + STALL_MS;
    for (;;) {
      const { rows } = await world.monitor.query<{ state: string }>('SELECT state FROM deploy_jobs WHERE tenant_id = $1 AND job_id = $2', [
        TENANT,
        result.job.jobId,
      ]);
      const state = rows[0]?.state;
      if (state === 'DONE') return;
      if (state === 'FAILED' || Date.now() > deadline)
        throw new Error(`${label}: ${sku} is ${state}\n${await unfinishedTasks(world.monitor, TENANT, [result.job.jobId])}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  });
  const seconds = (performance.now() - start) / 1000;
  const times = await doneTimes(world.monitor, label, jobIds);
  checkReceiver(receiver, label, targets);
  return rate(
    count,
    seconds,
    times.map((t) => t.done - t.created),
  );
}

async function jobStates(monitor: Pool, jobIds: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await monitor.query<{ state: string; n: string }>(
    'SELECT state, count(*)::text AS n FROM deploy_jobs WHERE tenant_id = $1 AND job_id = ANY($2) GROUP BY state ORDER BY state',
    [TENANT, jobIds],
  );
  return new Map(rows.map((row) => [row.state, Number(row.n)]));
}

/** Every document must be held by the receiver at the deployed version, with the brand joined in. */
function checkReceiver(receiver: WebhookReceiver, label: string, targets: readonly AsyncTarget[]): void {
  const problems: string[] = [];
  for (const { sku, version } of targets) {
    const held = receiver.held(TENANT, `${TENANT}:${sku}`);
    if (held === undefined) problems.push(`${sku}: missing`);
    else if (held.deleted || held.version !== version || held.document?.['brand_name'] !== 'Acme')
      problems.push(`${sku}: held version ${held.version}${held.deleted ? ' (deleted)' : ''}, brand_name ${JSON.stringify(held.document?.['brand_name'])}`);
  }
  if (problems.length > 0) throw new Error(`${label}: ${problems.length} documents missing or wrong at the receiver: ${problems.slice(0, 10).join('; ')}`);
}

/** A measured phase, with the baselines taken just before and after it. */
interface Phase {
  readonly name: string;
  readonly via: string;
  readonly rate: Rate;
  readonly usage: Usage;
  readonly before: Baseline;
  readonly after: Baseline;
}

function phaseFigures(phase: Phase) {
  const baselineRate = (phase.before.perSecond + phase.after.perSecond) / 2;
  const baselineCpu = (phase.before.cpuMsPerPut + phase.after.cpuMsPerPut) / 2;
  const costs = perDeploy(phase.usage, phase.rate.count);
  return {
    via: phase.via,
    ...phase.rate,
    baselinePerSecond: baselineRate,
    ratio: phase.rate.perSecond / baselineRate,
    /** PutItems per CPU-second over deploys per CPU-second (all our processes). */
    cpuCostRatio: baselineCpu / costs.ourCpuMsPerDeploy,
    ...costs,
  };
}

function row(phase: Phase, what: string, latency = ''): Row {
  const f = phaseFigures(phase);
  return [
    phase.name,
    `${fmt(f.perSecond, 1)} ${what}, ${latency}p50 ${fmt(f.p50, 1)} ms, p99 ${fmt(f.p99, 1)} ms`,
    `${f.ratio.toFixed(3)}× (of ${fmt(f.baselinePerSecond)}/s) · CPU-cost ratio ${f.cpuCostRatio.toFixed(3)}× · ${fmt(f.dynamoRequests, 1)} DynamoDB req + ${fmt(f.postgresStatements, 1)} PG stmts/deploy`,
  ];
}

async function main(): Promise<void> {
  console.log(
    `bench:deploy — ${fmt(SYNC_DEPLOYS)} sync + ${fmt(ASYNC_DEPLOYS)} async deploys of one product each, ${CONCURRENCY} at a time; ${WORKER_MODE}; dynalite ${DYNALITE_ON_DISK ? 'on disk' : 'in memory'}, PostgreSQL fsync ${FSYNC ? 'on' : 'off'}; node ${process.version}, ${availableParallelism()} cores`,
  );
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const dataDir = await mkdtemp(join(tmpdir(), 'ivm-bench-deploy-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    // mkdtemp makes it 0700: run as root, the embedded PostgreSQL runs as its own user, who must reach its directory inside.
    await chmod(dataDir, 0o755);
    if (CPU_PROF) await mkdir(CPU_PROF, { recursive: true });

    const { connectionString: pgUrl, monitor } = await startMonitoredPostgres(dataDir, { fsync: FSYNC, cleanups });

    const dynalite = await startDynaliteProcess({
      ...(DYNALITE_ON_DISK ? { path: join(dataDir, 'dynamodb') } : {}),
      ...(CPU_PROF ? { cpuProfDir: CPU_PROF } : {}),
    });
    cleanups.push(() => dynalite.close());
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const sinkEnv: Record<string, string> = { PERSONALIZE_WEBHOOK_URL: receiver.url };

    const contractsDir = join(ROOT, 'contracts');
    const registry = await loadContractRegistry(contractsDir);
    const engines = await openEngines(
      { dynamoEndpoint: dynalite.endpoint, awsRegion: 'local', tablePrefix: PREFIX, databaseUrl: pgUrl, dataDir, contractsDir },
      // As `npm run api` (10), plus the worker's slots when it runs in this process (as `npm start`).
      { logger: quietLogger, applicationName: 'ivm-bench-api', poolSize: 10 + (WORKERS === 0 ? WORKER_CONCURRENCY : 0) },
    );
    cleanups.push(() => engines.close());
    const { deploys } = assembleServices({
      registry,
      engines,
      env: (name) => sinkEnv[name],
      task: loadTaskConfig({}),
      sinks: loadSinkConfig({}),
      owner: processOwner('bench'),
    });
    const world: World = { dynalite, engines, monitor, pgData: join(dataDir, 'postgres', 'data'), workers: [] };

    // The brand and categories the products join.
    const setup = await deploys.createDeploy({
      tenantId: TENANT,
      body: {
        records: [
          { entityType: 'brand', entityId: 'B1', version: 1, data: { brand_id: 'B1', name: 'Acme' } },
          { entityType: 'category', entityId: 'C1', version: 1, data: { category_id: 'C1', name: 'Skin care' } },
          { entityType: 'category', entityId: 'C2', version: 1, data: { category_id: 'C2', name: 'Creams' } },
        ],
      },
    });
    if (setup.job.state !== 'DONE') throw new Error(`the setup deploy answered ${setup.job.state}`);
    console.log(`warming up (${WARMUP_SYNC} sync deploys)…`);
    await syncInProcess(deploys, 'warm-up', 'W', WARMUP_SYNC);

    const phases: Phase[] = [];
    let baseline = await putItemBaseline(world, 1);
    const measure = async (name: string, via: string, run: () => Promise<Rate>): Promise<Phase> => {
      const metering = await meter(world);
      const measured = await run();
      const usage = await metering.finish();
      const after = await putItemBaseline(world, phases.length + 2);
      const phase: Phase = { name, via, rate: measured, usage, before: baseline, after };
      baseline = after;
      phases.push(phase);
      console.log(`${name}: ${fmt(measured.perSecond, 1)} deploys/s\n${describeUsage(usage, measured.count)}`);
      return phase;
    };

    console.log(`sync deploys (compile sync, ship null) through createDeploy in this process, ${fmt(SYNC_DEPLOYS)}…`);
    const sync = await measure('sync deploys, createDeploy in-process', 'createDeploy in this process', () =>
      syncInProcess(deploys, 'sync deploys', 'S', SYNC_DEPLOYS),
    );

    let http: Phase | undefined;
    if (args.http) {
      const port = await freePort();
      const api = await startService({
        name: 'api',
        entry: 'apps/api/src/main.ts',
        args: ['api'],
        port,
        readyPath: '/readyz',
        env: {
          PORT: String(port),
          HOST: '127.0.0.1',
          DYNAMODB_ENDPOINT: dynalite.endpoint,
          DATABASE_URL: pgUrl,
          AWS_REGION: 'local',
          IVM_TABLE_PREFIX: PREFIX,
          IVM_API_KEYS: `bench-key:${TENANT}`,
          IVM_CONTRACTS_DIR: contractsDir,
          ...sinkEnv,
        },
        ...(CPU_PROF ? { cpuProfDir: CPU_PROF } : {}),
      });
      world.api = api;
      cleanups.push(() => api.stop());
      console.log(`warming up the API process (${WARMUP_SYNC} sync deploys over HTTP)…`);
      await syncOverHttp(api, 'warm-up', 'WH', WARMUP_SYNC);
      console.log(`sync deploys over HTTP to the API process (npm run api), ${fmt(SYNC_DEPLOYS)}…`);
      http = await measure('sync deploys, POST over HTTP (npm run api)', 'HTTP to the API process (npm run api: buildServer)', () =>
        syncOverHttp(api, 'sync deploys over HTTP', 'H', SYNC_DEPLOYS),
      );
    }

    if (WORKERS === 0) {
      const settings = workerSettingsFrom(loadWorkerRuntimeConfig({ IVM_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY) }), processOwner('bench-worker'));
      const worker = await startWorker({ outbox: engines.outbox, wakeups: engines.wakeups, handlers: deploys.handlers, settings, logger: quietLogger });
      cleanups.push(() => worker.stop());
    } else {
      console.log(`starting ${WORKER_MODE}…`);
      for (let n = 1; n <= WORKERS; n++) {
        const port = await freePort();
        const worker = await startService({
          name: `worker-${n}`,
          entry: 'apps/worker/src/main.ts',
          port,
          readyPath: '/healthz',
          env: {
            WORKER_PORT: String(port),
            DYNAMODB_ENDPOINT: dynalite.endpoint,
            DATABASE_URL: pgUrl,
            AWS_REGION: 'local',
            IVM_TABLE_PREFIX: PREFIX,
            IVM_CONTRACTS_DIR: contractsDir,
            IVM_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
            ...sinkEnv,
          },
          ...(CPU_PROF ? { cpuProfDir: CPU_PROF } : {}),
        });
        world.workers.push(worker);
        cleanups.push(() => worker.stop());
      }
    }
    console.log(`warming up the workers (${WARMUP_ASYNC} async deploys)…`);
    await asyncDeploys(
      world,
      deploys,
      receiver,
      'warm-up',
      Array.from({ length: WARMUP_ASYNC }, (_, i) => ({ sku: `WA-${i}`, version: 1 })),
    );

    // New versions of the products the sync phase deployed, then new products.
    const targets: AsyncTarget[] = Array.from({ length: ASYNC_DEPLOYS }, (_, i) =>
      i < SYNC_DEPLOYS ? { sku: `S-${i}`, version: 2 } : { sku: `A-${i}`, version: 1 },
    );
    const newVersions = Math.min(SYNC_DEPLOYS, ASYNC_DEPLOYS);
    console.log(
      `async deploys end to end (compile async, ship async to ${SINK}): ${fmt(newVersions)} new versions + ${fmt(ASYNC_DEPLOYS - newVersions)} new products, with ${WORKER_MODE}…`,
    );
    let asyncRun: AsyncRun | undefined;
    const endToEnd = await measure('async deploys end to end (first POST → last DONE)', `createDeploy in this process; ${WORKER_MODE}`, async () => {
      asyncRun = await asyncDeploys(world, deploys, receiver, 'async deploys', targets);
      return asyncRun.endToEnd;
    });
    if (asyncRun === undefined) throw new Error('the async phase did not run');
    console.log(`  receiver answers: ${JSON.stringify(asyncRun.deliveries)}`);
    let oneAtATime: Rate | undefined;
    if (LATENCY_DEPLOYS > 0) {
      console.log(`async deploys one at a time (enqueue→DONE without a backlog), ${fmt(LATENCY_DEPLOYS)}…`);
      oneAtATime = await asyncOneAtATime(world, deploys, receiver, LATENCY_DEPLOYS);
    }

    const baselines = [phases[0]?.before, ...phases.map((p) => p.after)].filter((b): b is Baseline => b !== undefined);
    const rows: Row[] = [
      [
        'baseline: dynalite PutItem',
        `${baselines.map((b) => fmt(b.perSecond)).join(', ')} puts/s (before/between/after the phases), p50 ${fmt(baselines[0]?.p50 ?? NaN, 1)} ms`,
        `1.000× · ${baselines.map((b) => fmt(b.cpuMsPerPut, 2)).join(', ')} ms CPU/put`,
      ],
      row(sync, 'deploys/s'),
      ...(http ? [row(http, 'deploys/s')] : []),
      [
        'async deploys: the POSTs alone (202 QUEUED), workers running',
        `${fmt(asyncRun.post.perSecond, 1)} deploys/s, p50 ${fmt(asyncRun.post.p50, 1)} ms, p99 ${fmt(asyncRun.post.p99, 1)} ms`,
        `${(asyncRun.post.perSecond / ((endToEnd.before.perSecond + endToEnd.after.perSecond) / 2)).toFixed(3)}×`,
      ],
      row(endToEnd, 'deploys/s', 'enqueue→DONE '),
      ...(oneAtATime
        ? [
            [
              'async deploys one at a time (no backlog)',
              `${fmt(oneAtATime.perSecond, 1)} deploys/s, enqueue→DONE p50 ${fmt(oneAtATime.p50, 1)} ms, p99 ${fmt(oneAtATime.p99, 1)} ms`,
              '(latency, not throughput)',
            ] as const,
          ]
        : []),
    ];
    printTable(rows);
    console.log(`\nasync deploys, where the work went (per deploy):\n${describeUsage(endToEnd.usage, ASYNC_DEPLOYS)}`);

    await writeSummary(args.out ?? 'bench-results', 'deploy', {
      cores: availableParallelism(),
      options: {
        syncDeploys: SYNC_DEPLOYS,
        asyncDeploys: ASYNC_DEPLOYS,
        concurrency: CONCURRENCY,
        workers: WORKERS === 0 ? 'in-process' : WORKERS,
        workerConcurrency: WORKER_CONCURRENCY,
        dynalite: DYNALITE_ON_DISK ? 'disk' : 'memory',
        postgresFsync: FSYNC,
        http: args.http,
      },
      baselines,
      sync: phaseFigures(sync),
      ...(http ? { syncHttp: phaseFigures(http) } : {}),
      async: {
        ...phaseFigures(endToEnd),
        latency: 'enqueue→DONE',
        newVersions,
        newProducts: ASYNC_DEPLOYS - newVersions,
        post: asyncRun.post,
        deliveries: asyncRun.deliveries,
      },
      ...(CPU_PROF ? { cpuProfiles: CPU_PROF } : {}),
    });
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.warn(`cleanup failed: ${String(error)}`));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
