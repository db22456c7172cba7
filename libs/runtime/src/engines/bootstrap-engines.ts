import { bootstrapTables, checkTables, createDynamoClient, tableNames } from '@ivm/adapters-dynamodb';
import { MIGRATIONS, openPostgres } from '@ivm/adapters-postgres';
import type { EngineConfig } from '../config';
import type { EngineLogger } from './open-engines';

/** The shared engines `npm run bootstrap` prepares: both must be set (it never starts an embedded one). */
export type BootstrapConfig = Pick<EngineConfig, 'awsRegion' | 'tablePrefix'> & { readonly dynamoEndpoint: string; readonly databaseUrl: string };

/** What a bootstrap made sure of. */
export interface BootstrapReport {
  /** Every DynamoDB table, now present with this adapter's key schema and ACTIVE. */
  readonly tables: readonly string[];
  /** Every PostgreSQL migration, now applied. */
  readonly migrations: readonly string[];
}

/**
 * The one-shot bootstrap of the shared engines, run before any api or worker process starts
 * (`npm run bootstrap`, the compose file's `bootstrap` service): creates the missing DynamoDB
 * tables and waits until each is ACTIVE, then migrates the PostgreSQL schema to the latest
 * version. Idempotent, and safe to race: a table another process created first is used
 * (CreateTable's ResourceInUse), and concurrent migrators serialise on the migration lock.
 * `openEngines` does the same at every process start, so this only moves that work ahead of
 * them (once, and visibly); it does nothing they would not.
 */
export async function bootstrapEngines(config: BootstrapConfig, options: { readonly logger: EngineLogger }): Promise<BootstrapReport> {
  const { logger } = options;
  const client = createDynamoClient({ endpoint: config.dynamoEndpoint, region: config.awsRegion, tablePrefix: config.tablePrefix });
  try {
    await bootstrapTables(client, config.tablePrefix);
    await checkTables(client, config.tablePrefix);
  } finally {
    client.destroy();
  }
  const tables = Object.values(tableNames(config.tablePrefix));
  logger.info({ endpoint: config.dynamoEndpoint, tables }, 'DynamoDB tables ready');

  // openPostgres migrates before it answers; no LISTEN connection, one pooled connection, closed at once.
  const postgres = await openPostgres({ connectionString: config.databaseUrl, poolSize: 1, listen: false, applicationName: 'ivm-bootstrap' });
  await postgres.close();
  const migrations = Object.keys(MIGRATIONS).sort();
  logger.info({ migrations }, 'PostgreSQL schema migrated to the latest version');
  return { tables, migrations };
}
