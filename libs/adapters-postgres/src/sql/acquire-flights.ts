import type { FlightResult, Lease } from '@ivm/domain';
import type { Queryable } from '../client';

/*
 * Takes every key for the attempt, or none, in one statement. A flight is live while it is not
 * past its time and its holder is still the task's current attempt; a live flight of another
 * attempt seen by this statement's snapshot answers `busy` without writing. Otherwise the keys are
 * upserted in key order (so two acquires lock shared keys in the same order and cannot deadlock),
 * taking over dead flights and renewing the attempt's own. A key a concurrent acquire inserted
 * after the snapshot is found live by ON CONFLICT (which sees the latest row) and skipped: the
 * count falls short, and ivm_single_flight_raced() aborts the statement, partial inserts included.
 * The task row is read, not locked: a flight whose attempt ends meanwhile is dead by definition.
 * $1 task id, $2 token, $3 keys, $4 leaseMs.
 */
const ACQUIRE = `
WITH attempt AS MATERIALIZED (
  SELECT task_id, token FROM outbox_tasks WHERE task_id = $1 AND token::text = $2 AND status = 'RUNNING'
), wanted AS MATERIALIZED (
  SELECT DISTINCT key FROM unnest($3::text[]) AS k(key)
), busy AS MATERIALIZED (
  SELECT 1 FROM single_flights f JOIN wanted w ON f.key = w.key CROSS JOIN attempt a
  WHERE f.token <> a.token AND f.until > now()
    AND EXISTS (SELECT 1 FROM outbox_tasks h WHERE h.task_id = f.task_id AND h.token = f.token AND h.status = 'RUNNING')
  LIMIT 1
), taken AS (
  INSERT INTO single_flights AS f (key, task_id, token, until)
  SELECT w.key, a.task_id, a.token, now() + $4::float8 * interval '1 millisecond'
  FROM wanted w CROSS JOIN attempt a
  WHERE NOT EXISTS (SELECT 1 FROM busy)
  ORDER BY w.key
  ON CONFLICT (key) DO UPDATE SET task_id = excluded.task_id, token = excluded.token, until = excluded.until
  WHERE f.token = excluded.token OR f.until <= now()
    OR NOT EXISTS (SELECT 1 FROM outbox_tasks h WHERE h.task_id = f.task_id AND h.token = f.token AND h.status = 'RUNNING')
  RETURNING f.key
)
SELECT CASE
  WHEN NOT EXISTS (SELECT 1 FROM attempt) THEN 'fenced'
  WHEN EXISTS (SELECT 1 FROM busy) THEN 'busy'
  WHEN (SELECT count(*) FROM taken) < (SELECT count(*) FROM wanted) THEN ivm_single_flight_raced()
  ELSE 'acquired' END AS result`;

/** SQLSTATE of ivm_single_flight_raced() (migration 0002). */
const RACED = 'IVM01';

export async function acquireFlights(q: Queryable, lease: Lease, keys: readonly string[], leaseMs: number): Promise<FlightResult> {
  try {
    const { rows } = await q.query<{ result: FlightResult }>({
      name: 'ivm_acquire_flights',
      text: ACQUIRE,
      values: [lease.taskId, lease.token, [...keys], leaseMs],
    });
    return rows[0]?.result ?? 'fenced';
  } catch (error) {
    // Lost a race for a key to an acquire that committed after this statement's snapshot: nothing was written.
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === RACED) return 'busy';
    throw error;
  }
}
