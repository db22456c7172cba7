import type { Lease } from '@ivm/domain';
import type { Queryable } from '../client';

/* Inside a transaction: holds the task's row while the lease is its current attempt, so no settle, reap or reclaim can pass it until commit. */
const FENCE = `SELECT 1 FROM outbox_tasks WHERE task_id = $1 AND token::text = $2 AND status = 'RUNNING' FOR UPDATE`;

/** True when the lease is the task's current attempt (the row is then locked until the transaction ends). */
export async function fenceTask(q: Queryable, lease: Lease): Promise<boolean> {
  const { rows } = await q.query({ name: 'ivm_fence_task', text: FENCE, values: [lease.taskId, lease.token] });
  return rows.length > 0;
}
