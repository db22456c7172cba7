import type { Lease } from '@ivm/domain';
import type { Queryable } from '../client';
import { extendFlightsOf } from './single-flights';

/*
 * One statement for the batch: each lease moves to now() + leaseMs where its token is the current
 * attempt of a RUNNING task, and the flights that attempt holds move with it.
 */
const HEARTBEAT = `
WITH beat AS (
  UPDATE outbox_tasks t SET lease_until = now() + $3::float8 * interval '1 millisecond'
  FROM unnest($1::text[], $2::text[]) AS s(task_id, token)
  WHERE t.task_id = s.task_id AND t.token::text = s.token AND t.status = 'RUNNING'
  RETURNING t.task_id, s.token, t.lease_until
), flights AS (${extendFlightsOf('beat')})
SELECT task_id, token FROM beat`;

/** The leases extended, as `taskId NUL token` (a task named twice with one token is extended once, and both are held). */
export async function heartbeatTasks(q: Queryable, leases: readonly Lease[], leaseMs: number): Promise<Set<string>> {
  if (leases.length === 0) return new Set();
  const { rows } = await q.query<{ task_id: string; token: string }>({
    name: 'ivm_heartbeat_tasks',
    text: HEARTBEAT,
    values: [leases.map((l) => l.taskId), leases.map((l) => l.token), leaseMs],
  });
  return new Set(rows.map((row) => leaseKey(row.task_id, row.token)));
}

export const leaseKey = (taskId: string, token: string): string => `${taskId}\u0000${token}`;
