import { taskFromSpec, type OutboxTask, type TaskSpec } from '@ivm/domain';
import type { Queryable } from '../client';
import { decodeTask, ms, TASK_COLUMNS, text, time, type TaskRecord } from '../codec';
import { getTasks } from './get-tasks';

/**
 * The CTEs that insert PENDING tasks not stored yet (`inserted`: their id and `created_at`) and
 * NOTIFY their number (`woken`, sent at commit), with the specs in parameters $p–$p+3
 * (`enqueueValues`). A statement using them must read `woken` for the NOTIFY to run; it runs once.
 */
export function insertPendingCtes(p: number): string {
  return `spec AS (
  SELECT * FROM unnest($${p}::text[], $${p + 1}::text[], $${p + 2}::jsonb[], $${p + 3}::int4[]) AS s(task_id, type, payload, max_attempts)
), inserted AS (
  INSERT INTO outbox_tasks AS t (task_id, type, status, tenant_id, job_id, payload, max_attempts)
  SELECT task_id, type, 'PENDING', payload->>'tenantId', payload->>'jobId', payload, max_attempts FROM spec
  ON CONFLICT (task_id) DO NOTHING
  RETURNING t.task_id, t.created_at
), woken AS (
  SELECT pg_notify('ivm_outbox', count(*)::text) FROM inserted HAVING count(*) > 0
)`;
}

/** Tasks checked by `taskFromSpec`, as the four arrays of `insertPendingCtes`. */
export function enqueueValues(tasks: readonly OutboxTask[]): unknown[] {
  return [tasks.map((t) => t.taskId), tasks.map((t) => t.type), tasks.map((t) => JSON.stringify(t.payload)), tasks.map((t) => t.maxAttempts)];
}

/*
 * The insert, and the tasks that were there before, in one statement. An inserted row is the spec
 * plus the database's defaults, so only its id and `created_at` (= `run_after`, both the
 * transaction's now()) come back; the rest of it is the spec the caller sent, checked before the call.
 */
const ENQUEUE = `
WITH ${insertPendingCtes(1)}
SELECT i.task_id, NULL::text AS type, NULL::text AS status, NULL::jsonb AS payload, NULL::int4 AS attempt, NULL::int4 AS max_attempts,
  NULL::text AS lease_owner, NULL::float8 AS lease_until, ${ms('i.created_at')} AS created_at, NULL::float8 AS run_after, NULL::jsonb AS last_error,
  true AS inserted
FROM inserted i, (SELECT count(*) FROM woken) w
UNION ALL
SELECT ${TASK_COLUMNS}, false FROM outbox_tasks t WHERE t.task_id = ANY($1::text[])`;

interface EnqueueRecord extends TaskRecord {
  readonly inserted: boolean;
}

/** Every spec is checked (references only) before anything is sent. */
export async function enqueueTasks(q: Queryable, specs: readonly TaskSpec[]): Promise<{ readonly tasks: OutboxTask[]; readonly inserted: number }> {
  if (specs.length === 0) return { tasks: [], inserted: 0 };
  const tasks = specs.map((spec) => taskFromSpec(spec, 0));
  const { rows } = await q.query<EnqueueRecord>({
    name: 'ivm_enqueue_tasks',
    text: ENQUEUE,
    values: enqueueValues(tasks),
  });
  // An id sent once whose row this statement inserted is its spec as stored; an id sent twice is read back (which spec won is the database's).
  const sent = new Map<string, OutboxTask | null>();
  for (const t of tasks) sent.set(t.taskId, sent.has(t.taskId) ? null : t);
  const stored = new Map<string, OutboxTask>();
  for (const row of rows) {
    const taskId = text(row.task_id, 'outbox_tasks', 'task_id');
    if (!row.inserted) stored.set(taskId, decodeTask(row));
    else {
      const spec = sent.get(taskId);
      const createdAt = time(row.created_at, 'outbox_tasks', 'created_at');
      if (spec) stored.set(taskId, { ...spec, createdAt, runAfter: createdAt });
    }
  }
  // A task another transaction inserted while this statement ran is in neither branch (its snapshot predates it): read it now.
  const missing = tasks.filter((t) => !stored.has(t.taskId)).map((t) => t.taskId);
  if (missing.length > 0) for (const task of await getTasks(q, missing)) stored.set(task.taskId, task);
  return {
    tasks: tasks.map((t) => {
      const task = stored.get(t.taskId);
      if (!task) throw new Error(`outbox task ${t.taskId} was neither inserted nor found`);
      return task;
    }),
    inserted: rows.filter((row) => row.inserted).length,
  };
}
