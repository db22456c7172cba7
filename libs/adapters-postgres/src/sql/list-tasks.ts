import type { OutboxTask, TaskStatus } from '@ivm/domain';
import type { Queryable } from '../client';
import { decodeTask, TASK_COLUMNS, type TaskRecord } from '../codec';

const LIST = `SELECT ${TASK_COLUMNS} FROM outbox_tasks t WHERE t.status = $1 ORDER BY t.created_at, t.type COLLATE "C", t.task_id LIMIT $2`;

/** Tasks in one status, oldest first (ties: type, then id). */
export async function listTasks(q: Queryable, status: TaskStatus, limit: number): Promise<OutboxTask[]> {
  const { rows } = await q.query<TaskRecord>({ name: 'ivm_list_tasks', text: LIST, values: [status, limit] });
  return rows.map(decodeTask);
}
