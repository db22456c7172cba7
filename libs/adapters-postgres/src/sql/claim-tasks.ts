import type { ClaimedTask } from '@ivm/domain';
import type { Queryable } from '../client';
import { decodeTask, TASK_COLUMNS, text, time, type TaskRecord } from '../codec';

/*
 * One statement: lock up to $1 due PENDING tasks, oldest runAfter first, skipping rows other
 * claimers hold (SKIP LOCKED: no waiting, no task shared), and lease them with a fresh token.
 * The picked set is materialised so it is computed once. All times are the database's now().
 */
export const CLAIM = `
WITH picked AS MATERIALIZED (
  SELECT task_id FROM outbox_tasks
  WHERE status = 'PENDING' AND run_after <= now()
  ORDER BY run_after, task_id
  LIMIT $1
  FOR UPDATE SKIP LOCKED
)
UPDATE outbox_tasks t
SET status = 'RUNNING', attempt = t.attempt + 1, lease_owner = $2, lease_until = now() + $3::float8 * interval '1 millisecond', token = gen_random_uuid()
FROM picked
WHERE t.task_id = picked.task_id
RETURNING ${TASK_COLUMNS}, t.token::text AS token, greatest(0, floor(extract(epoch from now() - t.run_after) * 1000))::float8 AS waited_ms`;

interface ClaimRecord extends TaskRecord {
  readonly token: unknown;
  readonly waited_ms: unknown;
}

/** The claimed tasks, oldest runAfter first. */
export async function claimTasks(q: Queryable, owner: string, limit: number, leaseMs: number): Promise<ClaimedTask[]> {
  if (limit === 0) return [];
  const { rows } = await q.query<ClaimRecord>({ name: 'ivm_claim_tasks', text: CLAIM, values: [limit, owner, leaseMs] });
  return rows
    .map((row) => {
      const task = decodeTask(row);
      return {
        task,
        lease: { taskId: task.taskId, token: text(row.token, 'outbox_tasks', 'token') },
        waitedMs: time(row.waited_ms, 'outbox_tasks', 'run_after'),
      };
    })
    .sort((a, b) => a.task.runAfter - b.task.runAfter || (a.task.taskId < b.task.taskId ? -1 : 1));
}
