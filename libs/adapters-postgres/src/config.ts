import type { StoreUnavailableError } from '@ivm/domain';
import type { EmbeddedPostgresOptions } from './embedded/embedded-server';

/** Where the database is: a server (`DATABASE_URL`), or an embedded one started in `dataDir` (`${IVM_DATA_DIR}/postgres`). */
export type PostgresTarget = { readonly connectionString: string } | { readonly embedded: EmbeddedPostgresOptions };

/** Everything `openPostgres` needs, in one object; the adapter reads no environment. */
export type PostgresConfig = PostgresTarget & {
  /** Connections in the pool (the LISTEN connection is extra). Default 10. */
  readonly poolSize?: number;
  /** Server-side limit per statement (`statement_timeout`). Default 30 000 ms. */
  readonly statementTimeoutMs?: number;
  /** Limit on opening a connection. Default 10 000 ms. */
  readonly connectTimeoutMs?: number;
  /** Open the LISTEN connection for wake-ups. Default true; false behind PgBouncer in transaction mode (workers then poll only). */
  readonly listen?: boolean;
  /** Name statements so each connection plans them once. Default true; false behind a pooler that cannot keep prepared statements. */
  readonly preparedStatements?: boolean;
  /** `application_name` of every connection. Default "ivm". */
  readonly applicationName?: string;
  /** Failures outside any call: an idle connection that broke, a lost LISTEN connection (both recovered on their own). */
  readonly onError?: (error: StoreUnavailableError) => void;
};

/**
 * The target from process settings, for callers that have them: `DATABASE_URL` when set, else an
 * embedded server under `${IVM_DATA_DIR}/postgres`. Takes the values as arguments; reads nothing itself.
 */
export function postgresTarget(settings: { readonly DATABASE_URL?: string | undefined; readonly IVM_DATA_DIR: string }): PostgresTarget {
  if (settings.DATABASE_URL !== undefined && settings.DATABASE_URL.trim() !== '') return { connectionString: settings.DATABASE_URL };
  return { embedded: { dataDir: `${settings.IVM_DATA_DIR.replace(/\/+$/, '')}/postgres` } };
}
