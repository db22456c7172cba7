import type { OutboxTask } from '@ivm/domain';
import type { Queryable } from '../client';
import { decodeTask, TASK_COLUMNS, type TaskRecord } from '../codec';

const GET = `SELECT ${TASK_COLUMNS} FROM outbox_tasks t WHERE t.task_id = ANY($1::text[])`;

/** The stored tasks among these ids (any order; unknown ids are left out). */
export async function getTasks(q: Queryable, taskIds: readonly string[]): Promise<OutboxTask[]> {
  const { rows } = await q.query<TaskRecord>({ name: 'ivm_get_tasks', text: GET, values: [[...taskIds]] });
  return rows.map(decodeTask);
}
