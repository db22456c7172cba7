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

/** One statement's use since the last `pg_stat_statements_reset()`. */
export interface StatementCount {
  /** Its first words (the adapters' statements are long). */
  readonly statement: string;
  readonly calls: number;
  readonly ms: number;
}

/** The statements run on this database since the last reset, most called first, each named by its first `width` characters. */
export async function statementCounts(monitor: Pool, width: number): Promise<StatementCount[]> {
  const { rows } = await monitor.query<{ query: string; calls: string; ms: number }>(
    `SELECT s.query, s.calls::text AS calls, s.total_exec_time AS ms FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
     WHERE d.datname = current_database() ORDER BY s.calls DESC`,
  );
  return rows
    .map((row) => ({ statement: statementName(row.query, width), calls: Number(row.calls), ms: Number(row.ms) }))
    .filter((row) => !row.statement.startsWith('SELECT pg_stat_statements_reset'));
}

function statementName(query: string, width: number): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 3)}…` : flat;
}

/** The tasks of these jobs that have not succeeded, with their errors (for a failure message). */
export async function unfinishedTasks(monitor: Pool, tenantId: string, jobIds: readonly string[]): Promise<string> {
  const { rows } = await monitor.query<{ task_id: string; status: string; attempt: number; last_error: unknown }>(
    `SELECT task_id, status, attempt, last_error FROM outbox_tasks WHERE tenant_id = $1 AND job_id = ANY($2) AND status <> 'SUCCESS' ORDER BY created_at LIMIT 20`,
    [tenantId, jobIds],
  );
  return rows.map((r) => `  ${r.task_id} ${r.status} attempt ${r.attempt} ${JSON.stringify(r.last_error)}`).join('\n');
}
