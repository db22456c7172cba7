import type { Lease } from '@ivm/domain';
import type { Queryable } from '../client';
import { freeFlightsOf } from './single-flights';

/*
 * Gives tasks back (graceful shutdown) in one statement: PENDING, claimable at once, the
 * attempt not counted; fenced like a settle; their flights freed. NOTIFY for the tasks released.
 */
const RELEASE = `
WITH released AS (
  UPDATE outbox_tasks t
  SET status = 'PENDING', attempt = greatest(t.attempt - 1, 0), run_after = now(), lease_owner = NULL, lease_until = NULL, token = NULL
  FROM unnest($1::text[], $2::text[]) AS s(task_id, token)
  WHERE t.task_id = s.task_id AND t.token::text = s.token AND t.status = 'RUNNING'
  RETURNING t.task_id
), freed AS (${freeFlightsOf('released')}
), woken AS (
  SELECT pg_notify('ivm_outbox', count(*)::text) FROM released HAVING count(*) > 0
)
SELECT r.task_id FROM released r, (SELECT count(*) FROM woken) w`;

/** The ids of the tasks released; callers send each task at most once per statement. */
export async function releaseTasks(q: Queryable, leases: readonly Lease[]): Promise<Set<string>> {
  if (leases.length === 0) return new Set();
  const { rows } = await q.query<{ task_id: string }>({
    name: 'ivm_release_tasks',
    text: RELEASE,
    values: [leases.map((l) => l.taskId), leases.map((l) => l.token)],
  });
  return new Set(rows.map((row) => row.task_id));
}
