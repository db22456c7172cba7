import { IllegalStateTransitionError, NotFoundError, type OutboxTask } from '@ivm/domain';
import type { Queryable } from '../client';
import { decodeTask, TASK_COLUMNS, type TaskRecord } from '../codec';

/* DEAD → PENDING with a fresh budget, decided by the update's own condition; NOTIFY once. */
const REDRIVE = `
WITH redriven AS (
  UPDATE outbox_tasks t SET status = 'PENDING', attempt = 0, run_after = now(), settled_at = NULL
  WHERE t.task_id = $1 AND t.status = 'DEAD'
  RETURNING ${TASK_COLUMNS}
), woken AS (
  SELECT pg_notify('ivm_outbox', '1') FROM redriven
)
SELECT r.* FROM redriven r, (SELECT count(*) FROM woken) w`;

const STATUS = `SELECT status FROM outbox_tasks WHERE task_id = $1`;

export async function redriveTask(q: Queryable, taskId: string): Promise<OutboxTask> {
  const { rows } = await q.query<TaskRecord>({ name: 'ivm_redrive_task', text: REDRIVE, values: [taskId] });
  const [row] = rows;
  if (row) return decodeTask(row);
  // Refused: this read only explains why (the decision above was atomic).
  const { rows: found } = await q.query<{ status: string }>({ name: 'ivm_task_status', text: STATUS, values: [taskId] });
  if (!found[0]) throw new NotFoundError(`Outbox task ${taskId}`);
  throw new IllegalStateTransitionError('OutboxTask (re-drive)', found[0].status, 'PENDING');
}
