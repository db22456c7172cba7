import type { Queryable } from '../client';

/* Deletes up to $2 SUCCESS tasks settled more than $1 ms ago, oldest first; concurrent pruners skip each other's rows. */
const PRUNE = `
DELETE FROM outbox_tasks WHERE task_id IN (
  SELECT task_id FROM outbox_tasks
  WHERE status = 'SUCCESS' AND settled_at < now() - $1::float8 * interval '1 millisecond'
  ORDER BY settled_at
  LIMIT $2
  FOR UPDATE SKIP LOCKED
)`;

export async function pruneTasks(q: Queryable, retentionMs: number, limit: number): Promise<number> {
  if (limit === 0) return 0;
  const { rowCount } = await q.query({ name: 'ivm_prune_tasks', text: PRUNE, values: [retentionMs, limit] });
  return rowCount ?? 0;
}
