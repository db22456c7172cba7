/**
 * npm run bench:rename — what a brand rename costs per affected product, on the engines we run
 * on: dynalite (a process of its own, counting every request it serves) and an embedded
 * PostgreSQL (a temporary directory, pg_stat_statements). The deploy use cases are wired as the
 * processes wire them (`createDeployServices` over the DynamoDB stores and the PostgreSQL outbox),
 * and a worker runtime (`startWorker`, as `npm start` and `bench:deploy --workers 0` run it) works
 * the outbox in this process. The sink is the `opensearch-products` contract served by an
 * in-memory counting plugin (rename/counting-sink.ts), so the sink's own cost is left out and
 * what OpenSearch would be sent is counted.
 *
 * One brand with N products (and, before it, the same with a warm-up brand of fewer products):
 *
 * 1. create: the N products deployed (compile async, ship async to the sink), in deploys of
 *    --records-per-deploy records (500, the most a deploy takes);
 * 2. edit (the baseline): a price change of every product, deployed the same way: the cost of a
 *    plain product deploy that changes the same N documents;
 * 3. rename: one deploy of the brand's new name (compile async: the brand's slicing fans out to
 *    its N products' PRODUCT_BRAND_ENRICHED slices; ship async: every product's document again);
 * 4. replay: the same rename deployed again — what a re-run of the rename's tasks costs (a retry
 *    after a crash, a lost lease or a restart): the brand's slicing replays and fans out again.
 *
 * Per affected product, for each phase: DynamoDB requests by operation and by where they were sent
 * from (the request, the compile task, the ship task), the read and write capacity DynamoDB charges
 * for them (ReturnConsumedCapacity, strongly consistent reads), PostgreSQL statements (each a round
 * trip), outbox tasks, sink bulk calls, operations and bytes, wall time and task time split into
 * compile and ship, and CPU by process; the rename's ratio to the edit's. Then the sizes of the
 * items a product keeps. It checks that every product's document at the sink has the new price,
 * then the new brand name at a higher revision, and exits 1 otherwise.
 *
 * Options: --products N (2000), --warmup-products N (200), --records-per-deploy N (500),
 * --worker-concurrency N (8), --latency-ms N (0: each DynamoDB request delayed by N ms, to see
 * what real round trips do to the wall time), --no-fsync, --out DIR (bench-results).
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { bootstrapTables, createDynamoClient, createDynamoStores } from '@ivm/adapters-dynamodb';
import { loadContractRegistry } from '@ivm/adapters-fs';
import { openPostgres } from '@ivm/adapters-postgres';
import { createDeployServices, OPENSEARCH_URL_VARIABLE, SinkDirectory, type DeployServices, type TaskHandlers } from '@ivm/application';
import type { DeployJobStore, OutboxStore } from '@ivm/domain';
import { loadTaskConfig, loadWorkerRuntimeConfig, processOwner, retryPolicyFor, startWorker, workerSettingsFrom } from '@ivm/runtime';
import type { Pool } from 'pg';
import { startMonitoredPostgres, statementCounts, unfinishedTasks } from './deploy/monitored-postgres';
import { fmt, writeSummary } from './measure';
import { cpuSeconds, postgresCpuSeconds, ROOT, startDynaliteProcess, type DynaliteProcess } from './deploy/processes';
import { CountingSink, type SinkCounts } from './rename/counting-sink';
import { byOperation, type DynamoUsage, itemBytes, MeteredDynamo, totals } from './rename/metered-dynamo';

const { values: args } = parseArgs({
  options: {
    products: { type: 'string', default: '2000' },
    'warmup-products': { type: 'string', default: '200' },
    'records-per-deploy': { type: 'string', default: '500' },
    'worker-concurrency': { type: 'string', default: '8' },
    'latency-ms': { type: 'string', default: '0' },
    'no-fsync': { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-results' },
  },
});
const PRODUCTS = whole('products', args.products, 1);
const WARMUP_PRODUCTS = whole('warmup-products', args['warmup-products'], 0);
const PER_DEPLOY = whole('records-per-deploy', args['records-per-deploy'], 1);
const WORKER_CONCURRENCY = whole('worker-concurrency', args['worker-concurrency'], 1);
const LATENCY_MS = whole('latency-ms', args['latency-ms'], 0);
const FSYNC = !args['no-fsync'];
const TENANT = 'bench';
const PREFIX = 'bench_';
const SINK = 'opensearch-products';
/** No progress (no deploy finishing, no DynamoDB request) for this long fails the run. */
const STALL_MS = 180_000;

function whole(name: string, text: string | undefined, min: number): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${text}`);
  return n;
}

const productDoc = (sku: string, brandId: string, price: number): Record<string, unknown> => ({
  sku,
  name: `Moisture Cream ${sku}`,
  brand_id: brandId,
  category_ids: ['C1', 'C2'],
  price,
  currency: 'KRW',
  status: 'ACTIVE',
  attributes: { volume: '50ml', skin_type: 'dry', origin: 'KR' },
});

const ASYNC = { compile: 'async', ship: { mode: 'async', sinks: [SINK] } } as const;

const quietLogger = {
  debug: (): void => undefined,
  info: (): void => undefined,
  warn: (fields: object, message: string): void => console.warn(`  [bench] ${message} ${JSON.stringify(fields)}`),
  error: (fields: object, message: string): void => console.error(`  [bench] ${message} ${JSON.stringify(fields)}`),
};

/** Counts the calls of a port's methods by name (the outbox's and the job store's: each is one or a few round trips). */
function countingPort<T extends object>(port: T, counts: Record<string, number>): T {
  return new Proxy(port, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...a: unknown[]) => {
        counts[String(property)] = (counts[String(property)] ?? 0) + 1;
        return (value as (...x: unknown[]) => unknown).apply(target, a);
      };
    },
  });
}

interface TaskRun {
  readonly type: string;
  readonly ms: number;
}

interface Usage {
  readonly wallMs: number;
  readonly dynamo: DynamoUsage;
  /** Requests dynalite served, by operation (every client: a cross-check of the metered ones). */
  readonly served: Record<string, number>;
  readonly postgres: readonly { readonly statement: string; readonly calls: number; readonly ms: number }[];
  readonly portCalls: Record<string, number>;
  readonly tasks: readonly { readonly type: string; readonly count: number; readonly attempts: number }[];
  readonly sink: SinkCounts;
  readonly runs: readonly TaskRun[];
  /** CPU seconds by process. */
  readonly cpu: Record<string, number>;
}

interface Phase {
  readonly name: string;
  readonly products: number;
  readonly deploys: number;
  readonly usage: Usage;
}

interface World {
  readonly dynalite: DynaliteProcess;
  readonly metered: MeteredDynamo;
  readonly monitor: Pool;
  readonly pgData: string;
  readonly deploys: DeployServices;
  readonly sink: CountingSink;
  readonly portCalls: Record<string, number>;
  readonly runs: TaskRun[];
}

function cpuNow(world: World): Record<string, number> {
  const own = process.cpuUsage();
  return { bench: (own.user + own.system) / 1e6, dynalite: cpuSeconds(world.dynalite.pid), postgres: postgresCpuSeconds(world.pgData) };
}

/** Posts the deploy bodies (through createDeploy, as the API does) and waits until every job is DONE, metering it all. */
async function runPhase(world: World, name: string, products: number, bodies: readonly Record<string, unknown>[]): Promise<Phase> {
  await world.monitor.query('SELECT pg_stat_statements_reset()');
  world.metered.take();
  world.sink.take();
  world.runs.length = 0;
  for (const key of Object.keys(world.portCalls)) delete world.portCalls[key];
  const servedBefore = await world.dynalite.counts();
  const cpuBefore = cpuNow(world);
  const start = performance.now();

  const jobIds: string[] = [];
  for (const body of bodies) {
    const result = await world.metered.tagged('request', () => world.deploys.createDeploy({ tenantId: TENANT, body }));
    if (result.job.state === 'FAILED') throw new Error(`${name}: a deploy answered FAILED: ${JSON.stringify(result.job)}`);
    jobIds.push(result.job.jobId);
  }
  let progress = -1;
  let progressAt = Date.now();
  let printedAt = Date.now();
  for (;;) {
    const { rows } = await world.monitor.query<{ state: string; n: string }>(
      'SELECT state, count(*)::text AS n FROM deploy_jobs WHERE tenant_id = $1 AND job_id = ANY($2) GROUP BY state',
      [TENANT, jobIds],
    );
    const states = Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    if ((states['FAILED'] ?? 0) > 0) throw new Error(`${name}: ${states['FAILED']} deploys FAILED\n${await unfinishedTasks(world.monitor, TENANT, jobIds)}`);
    const now = states['DONE'] ?? 0;
    if (now === jobIds.length) break;
    // Progress: a deploy finished, or DynamoDB requests went out (a big fan-out finishes no deploy for a long time).
    if (now + world.metered.sent !== progress) [progress, progressAt] = [now + world.metered.sent, Date.now()];
    else if (Date.now() - progressAt > STALL_MS)
      throw new Error(
        `${name}: no progress (no deploy finished, no DynamoDB request) for ${STALL_MS / 1000} s\n${await unfinishedTasks(world.monitor, TENANT, jobIds)}`,
      );
    if (Date.now() - printedAt > 2_000) {
      printedAt = Date.now();
      console.log(`  ${name}: ${JSON.stringify(states)}, ${world.runs.length} task runs finished`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const wallMs = performance.now() - start;
  const cpuAfter = cpuNow(world);
  const servedAfter = await world.dynalite.counts();
  const served: Record<string, number> = {};
  for (const [op, n] of Object.entries(servedAfter)) if (n > (servedBefore[op] ?? 0)) served[op] = n - (servedBefore[op] ?? 0);
  const postgres = await statementCounts(world.monitor, 70);
  const tasks = await world.monitor.query<{ type: string; n: string; attempts: string }>(
    'SELECT type, count(*)::text AS n, sum(attempt)::text AS attempts FROM outbox_tasks WHERE tenant_id = $1 AND job_id = ANY($2) GROUP BY type ORDER BY type',
    [TENANT, jobIds],
  );
  const usage: Usage = {
    wallMs,
    dynamo: world.metered.take(),
    served,
    postgres,
    portCalls: { ...world.portCalls },
    tasks: tasks.rows.map((r) => ({ type: r.type, count: Number(r.n), attempts: Number(r.attempts) })),
    sink: world.sink.take(),
    runs: [...world.runs],
    cpu: Object.fromEntries(Object.entries(cpuAfter).map(([k, v]) => [k, v - (cpuBefore[k] ?? 0)])),
  };
  console.log(`  ${name}: ${jobIds.length} deploys DONE in ${fmt(wallMs / 1000, 1)} s`);
  return { name, products, deploys: jobIds.length, usage };
}

/** The three phases for one brand with `n` products (SKUs `{brand}-P-{i}`). */
async function brandPhases(world: World, brandId: string, n: number, label: string): Promise<{ create: Phase; edit: Phase; rename: Phase; replay: Phase }> {
  const skus = Array.from({ length: n }, (_, i) => `${brandId}-P-${String(i).padStart(7, '0')}`);
  const chunks = (version: number, price: number): Record<string, unknown>[] => {
    const bodies: Record<string, unknown>[] = [];
    for (let at = 0; at < n; at += PER_DEPLOY)
      bodies.push({
        records: skus.slice(at, at + PER_DEPLOY).map((sku) => ({ entityType: 'product', entityId: sku, version, data: productDoc(sku, brandId, price) })),
        ...ASYNC,
      });
    return bodies;
  };
  console.log(`${label}: create ${fmt(n)} products of brand ${brandId} (${Math.ceil(n / PER_DEPLOY)} deploys)…`);
  const create = await runPhase(world, `${label} create`, n, chunks(1, 19_000));
  console.log(`${label}: edit the price of all ${fmt(n)} (the baseline: a plain product deploy of the same documents)…`);
  const edit = await runPhase(world, `${label} edit`, n, chunks(2, 19_100));
  const before = new Map(skus.map((sku) => [sku, world.sink.document(`${TENANT}:${sku}`)]));
  const problems: string[] = [];
  for (const [sku, held] of before) if (held?.document?.['price'] !== 19_100) problems.push(`${sku}: ${JSON.stringify(held)}`);
  if (problems.length > 0) throw new Error(`${label} edit: ${problems.length} documents wrong at the sink: ${problems.slice(0, 5).join('; ')}`);
  console.log(`${label}: rename brand ${brandId} (${fmt(n)} products)…`);
  const renameBody = {
    records: [{ entityType: 'brand', entityId: brandId, version: 2, data: { brand_id: brandId, name: `${brandId} Renamed` } }],
    ...ASYNC,
  };
  const rename = await runPhase(world, `${label} rename`, n, [renameBody]);
  const check = (phase: string): void => {
    for (const sku of skus) {
      const held = world.sink.document(`${TENANT}:${sku}`);
      const earlier = before.get(sku)?.revision ?? Infinity;
      if (held?.document?.['brand_name'] !== `${brandId} Renamed` || held.revision <= earlier)
        problems.push(`${sku}: ${JSON.stringify(held)} (revision before ${earlier})`);
    }
    if (problems.length > 0) throw new Error(`${label} ${phase}: ${problems.length} documents wrong at the sink: ${problems.slice(0, 5).join('; ')}`);
  };
  check('rename');
  // What a re-run of the rename costs (a retried task, or the same deploy posted again without an
  // Idempotency-Key): the brand version is sliced already, so its slicing replays, and the replay fans out again.
  console.log(`${label}: the same rename deployed again (a replay of brand ${brandId} version 2)…`);
  const replay = await runPhase(world, `${label} replay`, n, [renameBody]);
  check('replay');
  return { create, edit, rename, replay };
}

/** A phase's figures per affected product (and a few per deploy). */
function figures(phase: Phase) {
  const n = phase.products;
  const u = phase.usage;
  const all = byOperation(u.dynamo);
  const part = (tag: string) => totals(byOperation(u.dynamo, [tag]));
  const runMs = (type: string) => u.runs.filter((r) => r.type === type).reduce((a, r) => a + r.ms, 0);
  const t = totals(all);
  const statements = u.postgres.reduce((a, s) => a + s.calls, 0);
  const tasks = u.tasks.reduce((a, x) => a + x.count, 0);
  const compile = part('compile');
  const ship = part('ship');
  return {
    products: n,
    deploys: phase.deploys,
    wallMs: u.wallMs,
    wallMsPerProduct: u.wallMs / n,
    compileTaskMs: runMs('COMPILE_TASK'),
    shipTaskMs: runMs('SHIP_TASK'),
    compileMsPerProduct: runMs('COMPILE_TASK') / n,
    shipMsPerProduct: runMs('SHIP_TASK') / n,
    dynamoRequests: t.requests / n,
    dynamoByOperation: Object.fromEntries(Object.entries(all).map(([op, x]) => [op, x.requests / n])),
    capacityByOperation: Object.fromEntries(Object.entries(all).map(([op, x]) => [op, x.capacity / n])),
    requestPart: part('request').requests / n,
    compilePart: compile.requests / n,
    shipPart: ship.requests / n,
    rcu: t.rcu / n,
    wcu: t.wcu / n,
    rcuCompile: compile.rcu / n,
    wcuCompile: compile.wcu / n,
    rcuShip: ship.rcu / n,
    wcuShip: ship.wcu / n,
    rcuRequest: part('request').rcu / n,
    wcuRequest: part('request').wcu / n,
    inFlightCompile: runMs('COMPILE_TASK') > 0 ? compile.inFlightMs / runMs('COMPILE_TASK') : NaN,
    inFlightShip: runMs('SHIP_TASK') > 0 ? ship.inFlightMs / runMs('SHIP_TASK') : NaN,
    served: Object.values(u.served).reduce((a, b) => a + b, 0) / n,
    postgresStatements: statements / n,
    postgresStatementsPerDeploy: statements / phase.deploys,
    postgresExecMs: u.postgres.reduce((a, s) => a + s.ms, 0) / n,
    outboxTasks: tasks / n,
    outboxTasksPerDeploy: tasks / phase.deploys,
    taskAttempts: u.tasks.reduce((a, x) => a + x.attempts, 0),
    sinkCalls: u.sink.calls / n,
    sinkOperations: u.sink.operations / n,
    sinkOperationsPerCall: u.sink.operations / Math.max(1, u.sink.calls),
    sinkMaxOperationsPerCall: u.sink.maxOperationsPerCall,
    documentBytesPerDoc: u.sink.documentBytes / Math.max(1, u.sink.operations),
    bulkBytesPerDoc: u.sink.bulkBytes / Math.max(1, u.sink.operations),
    maxBulkBytesPerCall: u.sink.maxBulkBytesPerCall,
    cpuMs: Object.fromEntries(Object.entries(u.cpu).map(([k, s]) => [k, (s * 1000) / n])),
  };
}

type Figures = ReturnType<typeof figures>;

/** Prints rows of [label, create, edit, rename, rename ÷ edit, replay] as aligned columns. */
function printComparison(create: Figures, edit: Figures, rename: Figures, replay: Figures): void {
  const ops = [...new Set([create, edit, rename, replay].flatMap((f) => Object.keys(f.dynamoByOperation)))].sort();
  const rows: [string, (f: Figures) => number, number][] = [
    ['wall time, first POST → last DONE (ms)', (f) => f.wallMsPerProduct, 3],
    ['  compile task time (ms, summed over tasks)', (f) => f.compileMsPerProduct, 3],
    ['  ship task time (ms)', (f) => f.shipMsPerProduct, 3],
    ['DynamoDB requests', (f) => f.dynamoRequests, 3],
    ...ops.map((op): [string, (f: Figures) => number, number] => [`  ${op}`, (f) => f.dynamoByOperation[op] ?? 0, 3]),
    ['  sent by the request (precheck, ingest)', (f) => f.requestPart, 3],
    ['  sent by compile', (f) => f.compilePart, 3],
    ['  sent by ship', (f) => f.shipPart, 3],
    ['  served by dynalite (cross-check)', (f) => f.served, 3],
    ['RCU (strongly consistent reads)', (f) => f.rcu, 3],
    ['  RCU of the request', (f) => f.rcuRequest, 3],
    ['  RCU of compile', (f) => f.rcuCompile, 3],
    ['  RCU of ship', (f) => f.rcuShip, 3],
    ['WCU', (f) => f.wcu, 3],
    ['  WCU of the request', (f) => f.wcuRequest, 3],
    ['  WCU of compile', (f) => f.wcuCompile, 3],
    ['  WCU of ship', (f) => f.wcuShip, 3],
    ['mean DynamoDB requests in flight per compile task', (f) => f.inFlightCompile, 2],
    ['mean DynamoDB requests in flight per ship task', (f) => f.inFlightShip, 2],
    ['PostgreSQL statements (round trips)', (f) => f.postgresStatements, 4],
    ['  per deploy', (f) => f.postgresStatementsPerDeploy, 1],
    ['  execution time (ms)', (f) => f.postgresExecMs, 4],
    ['outbox tasks', (f) => f.outboxTasks, 4],
    ['  per deploy', (f) => f.outboxTasksPerDeploy, 1],
    ['sink bulk calls', (f) => f.sinkCalls, 4],
    ['sink operations (documents)', (f) => f.sinkOperations, 3],
    ['  documents per bulk call (mean)', (f) => f.sinkOperationsPerCall, 1],
    ['  documents per bulk call (max)', (f) => f.sinkMaxOperationsPerCall, 0],
    ['  document bytes per document', (f) => f.documentBytesPerDoc, 0],
    ['  bulk body bytes per document (action + source)', (f) => f.bulkBytesPerDoc, 0],
    ['  largest bulk body (bytes)', (f) => f.maxBulkBytesPerCall, 0],
    ['CPU ms: bench process (client, domain, worker, sink)', (f) => f.cpuMs['bench'] ?? NaN, 3],
    ['CPU ms: dynalite', (f) => f.cpuMs['dynalite'] ?? NaN, 3],
    ['CPU ms: PostgreSQL', (f) => f.cpuMs['postgres'] ?? NaN, 3],
  ];
  const table = [
    ['per affected product (unless stated)', 'create', 'edit (baseline)', 'rename', 'rename ÷ edit', 'rename replayed'],
    ...rows.map(([label, get, digits]) => {
      const [c, e, r, p] = [get(create), get(edit), get(rename), get(replay)];
      const ratio = e === 0 ? (r === 0 ? '—' : '∞') : `${(r / e).toFixed(2)}×`;
      return [label, fmt(c, digits), fmt(e, digits), fmt(r, digits), ratio, fmt(p, digits)];
    }),
  ];
  const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length))) ?? [];
  console.log('');
  for (const [i, row] of table.entries()) {
    console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

/** The sizes of the items one product (and its brand) keeps, as DynamoDB counts them. */
async function itemSizes(endpoint: string, brandId: string, sku: string): Promise<Record<string, number>> {
  const client = createDynamoClient({ endpoint, region: 'local', tablePrefix: PREFIX });
  try {
    const newest = async (table: string, pk: string) =>
      (
        await client.send(
          new QueryCommand({
            TableName: `${PREFIX}${table}`,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': { S: pk } },
            ScanIndexForward: false,
            Limit: 1,
          }),
        )
      ).Items?.[0];
    const head = async (entityKey: string) =>
      (await client.send(new GetItemCommand({ TableName: `${PREFIX}heads`, Key: { PK: { S: `${TENANT}#${entityKey}` } } }))).Item;
    const items: Record<string, Record<string, unknown> | undefined> = {
      'product head (heads)': await head(`product#${sku}`),
      'product raw record (raw)': await newest('raw', `${TENANT}#product#${sku}`),
      'product change set (change-sets)': await newest('change-sets', `${TENANT}#product#${sku}`),
      'slice PRODUCT_CORE (slices)': await newest('slices', `${TENANT}#product#${sku}#PRODUCT_CORE`),
      'slice PRODUCT_PRICE (slices)': await newest('slices', `${TENANT}#product#${sku}#PRODUCT_PRICE`),
      'slice PRODUCT_BRAND_ENRICHED (slices)': await newest('slices', `${TENANT}#product#${sku}#PRODUCT_BRAND_ENRICHED`),
      'index entry IDX#brand (index)': await newest('index', `${TENANT}#IDX#brand#${brandId}#product`),
      'brand head (heads)': await head(`brand#${brandId}`),
    };
    return Object.fromEntries(Object.entries(items).map(([name, item]) => [name, item ? itemBytes(item) : NaN]));
  } finally {
    client.destroy();
  }
}

async function main(): Promise<void> {
  console.log(
    `bench:rename — a brand with ${fmt(PRODUCTS)} products (warm-up: ${fmt(WARMUP_PRODUCTS)}), deploys of ${PER_DEPLOY} records, an in-process worker (concurrency ${WORKER_CONCURRENCY}); dynalite in memory${LATENCY_MS > 0 ? ` with ${LATENCY_MS} ms added to every request` : ''}, PostgreSQL fsync ${FSYNC ? 'on' : 'off'}; node ${process.version}, ${availableParallelism()} cores`,
  );
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const dataDir = await mkdtemp(join(tmpdir(), 'ivm-bench-rename-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    // mkdtemp makes it 0700: run as root, the embedded PostgreSQL runs as its own user, who must reach its directory inside.
    await chmod(dataDir, 0o755);
    const { connectionString: pgUrl, monitor } = await startMonitoredPostgres(dataDir, { fsync: FSYNC, cleanups });

    const dynalite = await startDynaliteProcess({});
    cleanups.push(() => dynalite.close());
    const client = createDynamoClient({ endpoint: dynalite.endpoint, region: 'local', tablePrefix: PREFIX });
    cleanups.push(async () => client.destroy());
    await bootstrapTables(client, PREFIX);
    const metered = new MeteredDynamo(client, LATENCY_MS);
    const stores = createDynamoStores(metered.client, { tablePrefix: PREFIX });

    const postgres = await openPostgres({ connectionString: pgUrl, poolSize: 10 + WORKER_CONCURRENCY, applicationName: 'ivm-bench-rename' });
    cleanups.push(() => postgres.close());
    const portCalls: Record<string, number> = {};
    const outbox: OutboxStore = countingPort(postgres.outbox, portCalls);
    const jobs: DeployJobStore = countingPort(postgres.jobs, portCalls);

    const registry = await loadContractRegistry(join(ROOT, 'contracts'));
    const sink = new CountingSink('opensearch');
    const env: Record<string, string> = { [OPENSEARCH_URL_VARIABLE]: 'http://opensearch.bench.invalid:9200' };
    const task = loadTaskConfig({});
    const deploys = createDeployServices({
      registry,
      stores,
      outbox,
      jobs,
      sinks: new SinkDirectory(registry, { plugins: [sink], env: (name) => env[name] }),
      settings: { leaseMs: task.leaseMs, maxAttempts: task.maxAttempts, retry: retryPolicyFor(task) },
      owner: processOwner('bench-api'),
      newJobId: randomUUID,
    });
    // The worker runs the deploy handlers, each run timed and its DynamoDB requests tagged by task type.
    const runs: TaskRun[] = [];
    const tagOf: Record<string, string> = { COMPILE_TASK: 'compile', SHIP_TASK: 'ship' };
    const handlers = Object.fromEntries(
      Object.entries(deploys.handlers).map(([type, handler]) => [
        type,
        {
          run: (claimed, signal) =>
            metered.tagged(tagOf[type] ?? type, async () => {
              const start = performance.now();
              try {
                return await handler.run(claimed, signal);
              } finally {
                runs.push({ type, ms: performance.now() - start });
              }
            }),
          onFinalFailure: handler.onFinalFailure.bind(handler),
        } satisfies TaskHandlers[keyof TaskHandlers],
      ]),
    ) as unknown as TaskHandlers;
    const settings = workerSettingsFrom(loadWorkerRuntimeConfig({ IVM_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY) }), processOwner('bench-worker'));
    const worker = await startWorker({ outbox, wakeups: postgres.wakeups, handlers, settings, logger: quietLogger });
    cleanups.push(() => worker.stop());
    const world: World = { dynalite, metered, monitor, pgData: join(dataDir, 'postgres', 'data'), deploys, sink, portCalls, runs };

    // The brands and the categories the products join (sliced in the request, nothing shipped).
    const setup = await deploys.createDeploy({
      tenantId: TENANT,
      body: {
        records: [
          { entityType: 'brand', entityId: 'W1', version: 1, data: { brand_id: 'W1', name: 'Warm-up' } },
          { entityType: 'brand', entityId: 'B1', version: 1, data: { brand_id: 'B1', name: 'Acme' } },
          { entityType: 'category', entityId: 'C1', version: 1, data: { category_id: 'C1', name: 'Skin care' } },
          { entityType: 'category', entityId: 'C2', version: 1, data: { category_id: 'C2', name: 'Creams' } },
        ],
      },
    });
    if (setup.job.state !== 'DONE') throw new Error(`the setup deploy answered ${setup.job.state}`);
    if (WARMUP_PRODUCTS > 0) await brandPhases(world, 'W1', WARMUP_PRODUCTS, 'warm-up');
    const measured = await brandPhases(world, 'B1', PRODUCTS, 'measured');
    const [create, edit, rename, replay] = [figures(measured.create), figures(measured.edit), figures(measured.rename), figures(measured.replay)];

    printComparison(create, edit, rename, replay);
    const r = measured.rename.usage;
    const renameOps = byOperation(r.dynamo);
    const t = totals(renameOps);
    console.log(`\nthe rename of one brand with ${fmt(PRODUCTS)} products, in absolute numbers:`);
    console.log(`  wall ${fmt(r.wallMs / 1000, 2)} s: compile task ${fmt(rename.compileTaskMs / 1000, 2)} s, ship task ${fmt(rename.shipTaskMs / 1000, 2)} s`);
    console.log(
      `  DynamoDB: ${fmt(t.requests)} requests (${Object.entries(renameOps)
        .map(([op, x]) => `${op} ${fmt(x.requests)} = ${fmt(x.capacity, 1)} ${op.includes('Get') || op === 'Query' ? 'RCU' : 'WCU'}`)
        .join(', ')}); ${fmt(t.rcu, 1)} RCU, ${fmt(t.wcu, 1)} WCU`,
    );
    console.log(`  outbox tasks: ${r.tasks.map((x) => `${x.type} ${x.count} (attempts ${x.attempts})`).join(', ')}`);
    console.log(`  outbox and job-store calls: ${JSON.stringify(r.portCalls)}`);
    console.log(
      `  PostgreSQL: ${fmt(r.postgres.reduce((a, s) => a + s.calls, 0))} statements: ${r.postgres
        .slice(0, 10)
        .map((s) => `${s.calls}× ${s.statement}`)
        .join(' | ')}`,
    );
    console.log(
      `  sink: ${fmt(r.sink.calls)} bulk calls, ${fmt(r.sink.operations)} operations (${fmt(r.sink.upserts)} upserts, ${fmt(r.sink.deletes)} deletes; ${fmt(r.sink.applied)} applied, ${fmt(r.sink.stale)} stale), ${fmt(r.sink.documentBytes)} document bytes, ${fmt(r.sink.bulkBytes)} bulk body bytes, at most ${fmt(r.sink.maxOperationsPerCall)} operations and ${fmt(r.sink.maxBulkBytesPerCall)} bytes per call`,
    );
    const again = measured.replay.usage;
    console.log(
      `  replayed: wall ${fmt(again.wallMs / 1000, 2)} s (compile ${fmt(replay.compileTaskMs / 1000, 2)} s, ship ${fmt(replay.shipTaskMs / 1000, 2)} s), ${fmt(totals(byOperation(again.dynamo)).requests)} DynamoDB requests; the sink got ${fmt(again.sink.operations)} operations again (${fmt(again.sink.applied)} applied: the fan-out moved every revision, ${fmt(again.sink.stale)} stale)`,
    );
    const sizes = await itemSizes(dynalite.endpoint, 'B1', 'B1-P-0000000');
    console.log('\nitem sizes (bytes as DynamoDB counts them; reads cost 1 RCU per 4 KB, writes 1 WCU per 1 KB, each item rounded up):');
    for (const [name, bytes] of Object.entries(sizes)) console.log(`  ${name.padEnd(40)} ${fmt(bytes).padStart(6)}`);

    await writeSummary(args.out ?? 'bench-results', 'rename', {
      cores: availableParallelism(),
      options: {
        products: PRODUCTS,
        warmupProducts: WARMUP_PRODUCTS,
        recordsPerDeploy: PER_DEPLOY,
        workerConcurrency: WORKER_CONCURRENCY,
        latencyMs: LATENCY_MS,
        postgresFsync: FSYNC,
      },
      create,
      edit,
      rename,
      replay,
      renameDetails: { dynamo: r.dynamo, served: r.served, postgres: r.postgres.slice(0, 20), portCalls: r.portCalls, tasks: r.tasks, sink: r.sink },
      itemSizes: sizes,
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
