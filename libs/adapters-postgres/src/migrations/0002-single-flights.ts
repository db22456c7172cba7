import { sql, type Kysely, type Migration } from 'kysely';

/*
 * Single flights (OutboxStore.acquireFlights): one row per key an attempt holds, until `until`
 * (database time), freed when the attempt settles, is released or reaped. No foreign key to
 * outbox_tasks: a flight outlives nothing it names (the frees run in the statements that end an
 * attempt), and an insert would otherwise lock its holder's task row on every acquire.
 */
const statements = [
  // Rows come and go with every compile: room on each page for the next version, early vacuum.
  sql`CREATE TABLE single_flights (
    key text COLLATE "C" PRIMARY KEY,
    task_id text COLLATE "C" NOT NULL,
    token uuid NOT NULL,
    until timestamptz NOT NULL
  ) WITH (
    fillfactor = 70,
    autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_vacuum_threshold = 500,
    autovacuum_vacuum_cost_delay = 1
  )`,
  // The frees and the heartbeat find an attempt's flights by its task.
  sql`CREATE INDEX single_flights_task ON single_flights (task_id)`,
  // Aborts an acquire that lost a race for a key in flight (the statement and its partial inserts
  // roll back): plain SQL cannot raise. VOLATILE, so the planner never evaluates it ahead of time.
  sql`CREATE FUNCTION ivm_single_flight_raced() RETURNS text VOLATILE LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION 'single flight raced: a concurrent acquire took one of the keys first' USING ERRCODE = 'IVM01';
  END
  $$`,
];

export const singleFlights: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of statements) await statement.execute(db);
  },
};
