import type { DeployJobStore, OutboxStore, TaskWakeups } from '@ivm/domain';
import { Client, Pool } from 'pg';
import { Database, withSessionSettings } from './client';
import type { PostgresConfig } from './config';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded/embedded-server';
import { guarded, storeUnavailable } from './errors';
import { migrate } from './migrations';
import { PgDeployJobStore } from './pg-deploy-job-store';
import { PgOutboxStore } from './pg-outbox-store';
import { PgTaskWakeups } from './pg-task-wakeups';

/** The deploy ports on one PostgreSQL database, and what a process needs around them. */
export interface PostgresDeploys {
  readonly outbox: OutboxStore;
  readonly jobs: DeployJobStore;
  readonly wakeups: TaskWakeups;
  /** Where the stores connect (the embedded server's URL when one was started). */
  readonly connectionString: string;
  /** Readiness: one round trip; StoreUnavailableError when the database does not answer. */
  ping(): Promise<void>;
  /** Closes the LISTEN connection and the pool, then stops the embedded server if one was started. */
  close(): Promise<void>;
}

const DEFAULTS = { poolSize: 10, statementTimeoutMs: 30_000, connectTimeoutMs: 10_000 } as const;

/**
 * Opens the stores: starts the embedded server when asked, connects a pool, and migrates the
 * schema to the latest version before answering (concurrent openers serialise on the migration
 * lock). Any failure on the way closes what was opened and throws StoreUnavailableError.
 */
export async function openPostgres(config: PostgresConfig): Promise<PostgresDeploys> {
  const embedded = 'embedded' in config ? await guarded('start embedded server', () => startEmbeddedPostgres(config.embedded)) : undefined;
  const connectionString = embedded?.connectionString ?? ('connectionString' in config ? config.connectionString : '');
  const preparedStatements = config.preparedStatements ?? true;
  const connection = {
    // Session settings need the session kept: not behind a pooler in transaction mode, which is also where prepared statements are off.
    ...withSessionSettings(connectionString, preparedStatements),
    application_name: config.applicationName ?? 'ivm',
    connectionTimeoutMillis: config.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    keepAlive: true,
  };
  const pool = new Pool({
    ...connection,
    max: config.poolSize ?? DEFAULTS.poolSize,
    statement_timeout: config.statementTimeoutMs ?? DEFAULTS.statementTimeoutMs,
  });
  // An idle connection that breaks is dropped by the pool; without a listener its error would crash the process.
  let closing: Promise<void> | undefined;
  pool.on('error', (error) => {
    // pool.end() resolves before its sockets close, so a server stopped at close may still break one: not worth reporting.
    if (!closing) config.onError?.(storeUnavailable('idle connection', error));
  });
  try {
    await guarded('migrate', () => migrate(pool));
  } catch (error) {
    await shutdown(pool, undefined, embedded);
    throw error;
  }
  const db = new Database(pool, preparedStatements);
  const listenConnection = { ...connection, application_name: `${connection.application_name}:listen` };
  const wakeups = new PgTaskWakeups(() => new Client(listenConnection), {
    enabled: config.listen ?? true,
    ...(config.onError ? { onError: config.onError } : {}),
  });
  return {
    outbox: new PgOutboxStore(db),
    jobs: new PgDeployJobStore(db),
    wakeups,
    connectionString,
    ping: () => guarded('ping', async () => void (await db.query.query({ text: 'SELECT 1' }))),
    close: () => (closing ??= shutdown(pool, wakeups, embedded)),
  };
}

async function shutdown(pool: Pool, wakeups: PgTaskWakeups | undefined, embedded: EmbeddedPostgres | undefined): Promise<void> {
  await wakeups?.close();
  await pool.end().catch(() => undefined);
  await embedded?.stop();
}
