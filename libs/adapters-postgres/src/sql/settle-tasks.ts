import type { Settlement } from '@ivm/domain';
import type { Queryable } from '../client';

/*
 * Settles a batch in one statement, each row fenced on its own: only where the token is the
 * task's current attempt and the task is still RUNNING. The outcome follows settleTask in the
 * domain: OK → SUCCESS; RETRY → PENDING at now() + delay, or DEAD on the last attempt;
 * FAILED/DEAD as named. Callers send each task at most once per statement. Parameters $1–$5
 * (`settleValues`); settle-with-follow-ups.ts runs the same update as a CTE.
 */
export const SETTLE_UPDATE = `
UPDATE outbox_tasks t SET
  status = CASE
    WHEN s.kind = 'OK' THEN 'SUCCESS'
    WHEN s.kind = 'RETRY' AND t.attempt < t.max_attempts THEN 'PENDING'
    WHEN s.kind = 'RETRY' THEN 'DEAD'
    ELSE s.kind END,
  run_after = CASE WHEN s.kind = 'RETRY' AND t.attempt < t.max_attempts THEN now() + s.delay_ms * interval '1 millisecond' ELSE t.run_after END,
  settled_at = CASE WHEN s.kind = 'RETRY' AND t.attempt < t.max_attempts THEN NULL ELSE now() END,
  last_error = CASE WHEN s.kind = 'OK' THEN t.last_error ELSE s.error END,
  lease_owner = NULL, lease_until = NULL, token = NULL
FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::jsonb[]) AS s(task_id, token, kind, delay_ms, error)
WHERE t.task_id = s.task_id AND t.token::text = s.token AND t.status = 'RUNNING'
RETURNING t.task_id`;

/** The ids of the tasks this batch settled (the others were fenced). */
export async function settleTasks(q: Queryable, settlements: readonly Settlement[]): Promise<Set<string>> {
  if (settlements.length === 0) return new Set();
  const { rows } = await q.query<{ task_id: string }>({ name: 'ivm_settle_tasks', text: SETTLE_UPDATE, values: settleValues(settlements) });
  return new Set(rows.map((row) => row.task_id));
}

/** The batch as the five arrays of SETTLE_UPDATE. */
export function settleValues(settlements: readonly Settlement[]): unknown[] {
  return [
    settlements.map((s) => s.lease.taskId),
    settlements.map((s) => s.lease.token),
    settlements.map((s) => s.kind),
    settlements.map((s) => (s.kind === 'RETRY' ? s.delayMs : 0)),
    settlements.map((s) => (s.kind === 'OK' ? null : JSON.stringify({ code: s.error.code, message: s.error.message }))),
  ];
}
