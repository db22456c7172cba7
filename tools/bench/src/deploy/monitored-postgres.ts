import { join } from 'node:path';
import { startEmbeddedPostgres } from '@ivm/adapters-postgres';
import { Pool } from 'pg';

/** An embedded PostgreSQL with pg_stat_statements, and a pool of the bench's own whose queries it does not count. */
export async function startMonitoredPostgres(
  dataDir: string,
  options: { readonly fsync: boolean; readonly cleanups: (() => Promise<unknown>)[] },
): Promise<{ readonly connectionString: string; readonly monitor: Pool }> {
  const settings: Record<string, string> = { shared_preload_libraries: 'pg_stat_statements' };
  if (!options.fsync) Object.assign(settings, { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' });
  const pg = await startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres'), createPostgresUser: process.getuid?.() === 0, settings });
  options.cleanups.push(() => pg.stop());
  const monitorUrl = new URL(pg.connectionString);
  // The bench's own queries (progress, results) stay out of pg_stat_statements.
  monitorUrl.searchParams.set('options', '-c pg_stat_statements.track=none');
  const monitor = new Pool({ connectionString: monitorUrl.toString(), max: 2 });
  monitor.on('error', () => undefined);
  options.cleanups.push(() => monitor.end());
  await monitor.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  return { connectionString: pg.connectionString, monitor };
}
