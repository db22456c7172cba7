import type { CreateDeployJob, DeployJob, OutboxTask } from '@ivm/domain';
import type { Queryable } from '../client';
import { decodeTask, ms, TASK_COLUMNS, text, time, type TaskRecord } from '../codec';

/*
 * The job, its transitions (QUEUED and the states it enters at once) and its tasks in one
 * statement, all at the database's now(). Nothing is inserted when the job id exists (the job
 * CTE answers no row and everything else is joined to it). The first task is inserted already
 * claimed when $12 (the owner) is set; the others PENDING, with a NOTIFY for them.
 */
const CREATE = `
WITH job AS (
  INSERT INTO deploy_jobs (tenant_id, job_id, axes, records, state, transition_count)
  VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6)
  ON CONFLICT DO NOTHING
  RETURNING ${ms('created_at')} AS created_at
), transitions AS (
  INSERT INTO deploy_transitions (tenant_id, job_id, seq, state)
  SELECT $1, $2, s.seq, s.state FROM job, unnest($7::text[]) WITH ORDINALITY AS s(state, seq)
), spec AS (
  SELECT *, (ord = 1 AND $12::text IS NOT NULL) AS claimed
  FROM unnest($8::text[], $9::text[], $10::jsonb[], $11::int4[]) WITH ORDINALITY AS s(task_id, type, payload, max_attempts, ord)
), tasks AS (
  INSERT INTO outbox_tasks AS t (task_id, type, status, tenant_id, job_id, payload, max_attempts, attempt, lease_owner, lease_until, token)
  SELECT s.task_id, s.type, CASE WHEN s.claimed THEN 'RUNNING' ELSE 'PENDING' END, s.payload->>'tenantId', s.payload->>'jobId', s.payload, s.max_attempts,
    CASE WHEN s.claimed THEN 1 ELSE 0 END,
    CASE WHEN s.claimed THEN $12::text END,
    CASE WHEN s.claimed THEN now() + $13::float8 * interval '1 millisecond' END,
    CASE WHEN s.claimed THEN gen_random_uuid() END
  FROM job, spec s
  ON CONFLICT (task_id) DO NOTHING
  RETURNING ${TASK_COLUMNS}, t.token::text AS token
), woken AS (
  SELECT pg_notify('ivm_outbox', count(*)::text) FROM tasks WHERE status = 'PENDING' HAVING count(*) > 0
)
SELECT j.created_at AS job_created_at, t.* FROM job j LEFT JOIN tasks t ON true, (SELECT count(*) FROM woken) w`;

interface CreateRecord extends TaskRecord {
  readonly job_created_at: unknown;
  readonly token: unknown;
}

export interface CreatedJob {
  readonly createdAt: number;
  /** The tasks inserted (a task id stored before is left as it is and not listed). */
  readonly tasks: readonly { readonly task: OutboxTask; readonly token: string | null }[];
}

/** Inserts a job already checked by the caller (`job` holds its entered states); undefined when the job id exists. */
export async function createJob(q: Queryable, command: CreateDeployJob, job: DeployJob, tasks: readonly OutboxTask[]): Promise<CreatedJob | undefined> {
  const { rows } = await q.query<CreateRecord>({
    name: 'ivm_create_job',
    text: CREATE,
    values: [
      command.tenantId,
      command.jobId,
      JSON.stringify(command.axes),
      JSON.stringify(command.records.map((r) => ({ entityKey: r.entityKey, version: r.version }))),
      job.state,
      job.transitions.length,
      job.transitions.map((t) => t.state),
      tasks.map((t) => t.taskId),
      tasks.map((t) => t.type),
      tasks.map((t) => JSON.stringify(t.payload)),
      tasks.map((t) => t.maxAttempts),
      command.claimFirst?.owner ?? null,
      command.claimFirst?.leaseMs ?? 0,
    ],
  });
  const [first] = rows;
  if (!first) return undefined;
  return {
    createdAt: time(first.job_created_at, 'deploy_jobs', 'created_at'),
    tasks: rows
      .filter((row) => row.task_id !== null)
      .map((row) => ({ task: decodeTask(row), token: row.token === null ? null : text(row.token, 'outbox_tasks', 'token') })),
  };
}
