import { TASK_STATUSES, TASK_TYPES, type QueueDepth } from '@ivm/domain';
import type { Queryable } from '../client';
import { count } from '../codec';
import { corrupt } from '../errors';

const DEPTH = `SELECT type, status, count(*)::int AS count FROM outbox_tasks GROUP BY type, status`;

/** Counts by type and status, in the domain's order of types, then statuses. */
export async function queueDepth(q: Queryable): Promise<QueueDepth[]> {
  const { rows } = await q.query<{ type: string; status: string; count: unknown }>({ name: 'ivm_queue_depth', text: DEPTH });
  const types: readonly string[] = TASK_TYPES;
  const statuses: readonly string[] = TASK_STATUSES;
  return rows
    .map((row) => {
      if (!types.includes(row.type)) throw corrupt('outbox_tasks', 'type');
      if (!statuses.includes(row.status)) throw corrupt('outbox_tasks', 'status');
      return { type: row.type as QueueDepth['type'], status: row.status as QueueDepth['status'], count: count(row.count, 'outbox_tasks', 'count') };
    })
    .sort((a, b) => types.indexOf(a.type) - types.indexOf(b.type) || statuses.indexOf(a.status) - statuses.indexOf(b.status));
}
