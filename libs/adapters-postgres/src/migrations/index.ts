import { Kysely, Migrator, PostgresDialect, type Migration, type MigrationProvider } from 'kysely';
import type { Pool } from 'pg';
import { deploys } from './0001-deploys';
import { singleFlights } from './0002-single-flights';

/** Every migration, by name; names sort in the order they run. Static: nothing scans the file system, so bundles and tests see the same list. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-deploys': deploys,
  '0002-single-flights': singleFlights,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Brings the schema up to date (kysely's Migrator: one transaction, a lock table so concurrent
 * starts run each migration once). Answers the names it applied. The Kysely instance is not
 * destroyed: that would end the pool, which the stores go on using.
 */
export async function migrate(pool: Pool): Promise<readonly string[]> {
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  const migrator = new Migrator({ db, provider, migrationTableName: 'ivm_migrations', migrationLockTableName: 'ivm_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) throw error;
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
