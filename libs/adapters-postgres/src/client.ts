/*
 * The part of node-postgres the adapter uses, so every storage operation is typed against (and
 * testable with) this minimal subset rather than the whole driver.
 */

export interface QueryConfigLike {
  /** A prepared-statement name: the server parses and plans the text once per connection. */
  readonly name?: string;
  readonly text: string;
  readonly values?: unknown[];
}

export interface QueryResultLike<R> {
  readonly rows: R[];
  readonly rowCount: number | null;
}

/** A pool or one of its connections: something that runs a statement. */
export interface Queryable {
  query<R>(config: QueryConfigLike): Promise<QueryResultLike<R>>;
}

export interface PoolClientLike extends Queryable {
  /** `true` destroys the connection instead of returning it (after a failure that may have broken it). */
  release(destroy?: boolean): void;
}

export interface PoolLike extends Queryable {
  connect(): Promise<PoolClientLike>;
  end(): Promise<void>;
}

/**
 * The adapter's session settings, in the startup `options` of every connection — only where the
 * server keeps sessions (`keepSessions`: not behind a pooler in transaction mode, where a setting
 * would leak into other clients' sessions).
 *
 * `enable_bitmapscan = off`: a claim walks the claim index in order and stops at its limit, but a
 * backlog that grew since the last ANALYZE (a burst, a fresh table) has the planner expect a few
 * due tasks and read them all with a bitmap scan and sort them instead — O(backlog) per claim,
 * 33 ms of a claim of 508 from a backlog of 20,000 (0.8 ms in index order). No statement of this
 * adapter gains from a bitmap scan: each reads by key, or walks an index in order up to a limit.
 */
export const SESSION_OPTIONS = '-c enable_bitmapscan=off';

/** The connection settings with the session settings added to the `options` the connection string may already carry (its own win otherwise). */
export function withSessionSettings(connectionString: string, keepSessions: boolean): { readonly connectionString: string; readonly options?: string } {
  if (!keepSessions) return { connectionString };
  if (!URL.canParse(connectionString)) return { connectionString, options: SESSION_OPTIONS };
  const url = new URL(connectionString);
  const own = url.searchParams.get('options');
  url.searchParams.set('options', own ? `${own} ${SESSION_OPTIONS}` : SESSION_OPTIONS);
  return { connectionString: url.toString() };
}

/**
 * Runs `body` in one transaction on one connection: COMMIT when it returns, ROLLBACK when it
 * throws (its error is rethrown). A connection whose ROLLBACK fails is destroyed, not reused.
 */
export async function inTransaction<T>(pool: PoolLike, body: (client: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query({ text: 'BEGIN' });
    const result = await body(client);
    await client.query({ text: 'COMMIT' });
    return result;
  } catch (error) {
    await client.query({ text: 'ROLLBACK' }).catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Drops statement names, for servers behind a pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21). */
export function unprepared(queryable: Queryable): Queryable {
  return { query: <R>(config: QueryConfigLike) => queryable.query<R>({ text: config.text, ...(config.values ? { values: config.values } : {}) }) };
}

/** The pool as the stores use it: one-statement operations on `query`, transactions on one connection. */
export class Database {
  readonly query: Queryable;

  constructor(
    readonly pool: PoolLike,
    private readonly prepared: boolean,
  ) {
    this.query = prepared ? pool : unprepared(pool);
  }

  transaction<T>(body: (q: Queryable) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, (client) => body(this.prepared ? client : unprepared(client)));
  }
}
