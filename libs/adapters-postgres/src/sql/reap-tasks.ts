import { LEASE_EXPIRED_ERROR, type OutboxTask } from '@ivm/domain';
import type { Queryable } from '../client';
import { decodeTask, TASK_COLUMNS, type TaskRecord } from '../codec';
import { freeFlightsOf, SWEEP_DEAD_FLIGHTS } from './single-flights';

/*
 * Takes back up to $1 expired leases in one statement (reapers skip each other's rows): PENDING
 * and claimable at once, or DEAD when that was the last attempt (reapTask in the domain).
 * Their flights are freed, and dead flights swept. NOTIFY for the ones that became claimable.
 */
const REAP = `
WITH expired AS MATERIALIZED (
  SELECT task_id FROM outbox_tasks
  WHERE status = 'RUNNING' AND lease_until <= now()
  ORDER BY lease_until, task_id
  LIMIT $1
  FOR UPDATE SKIP LOCKED
), reaped AS (
  UPDATE outbox_tasks t SET
    status = CASE WHEN t.attempt >= t.max_attempts THEN 'DEAD' ELSE 'PENDING' END,
    run_after = CASE WHEN t.attempt >= t.max_attempts THEN t.run_after ELSE now() END,
    settled_at = CASE WHEN t.attempt >= t.max_attempts THEN now() END,
    last_error = $2::jsonb, lease_owner = NULL, lease_until = NULL, token = NULL
  FROM expired
  WHERE t.task_id = expired.task_id
  RETURNING ${TASK_COLUMNS}
), freed AS (${freeFlightsOf('reaped')}
), swept AS (${SWEEP_DEAD_FLIGHTS}
), woken AS (
  SELECT pg_notify('ivm_outbox', count(*)::text) FROM reaped WHERE status = 'PENDING' HAVING count(*) > 0
)
SELECT r.* FROM reaped r, (SELECT count(*) FROM woken) w`;

export async function reapTasks(q: Queryable, limit: number): Promise<OutboxTask[]> {
  if (limit === 0) return [];
  const { rows } = await q.query<TaskRecord>({ name: 'ivm_reap_tasks', text: REAP, values: [limit, JSON.stringify(LEASE_EXPIRED_ERROR)] });
  return rows.map(decodeTask);
}
