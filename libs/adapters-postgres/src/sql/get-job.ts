import type { StoredDeployJob } from '@ivm/domain';
import type { Queryable } from '../client';
import { decodeAxes, decodeJobError, decodeRecords, decodeState, decodeSummary, ms, text, time } from '../codec';
import { isJsonObject } from '@ivm/domain';
import { corrupt } from '../errors';

/* The job, its transitions and its tasks' summaries in one statement (by key: another tenant's job is not found). */
const GET_JOB = `
SELECT j.tenant_id, j.job_id, j.axes, j.records, j.state, j.error, ${ms('j.created_at')} AS created_at,
  (SELECT coalesce(json_agg(json_build_object('state', r.state, 'at', ${ms('r.at')}) ORDER BY r.seq), '[]')
     FROM deploy_transitions r WHERE r.tenant_id = j.tenant_id AND r.job_id = j.job_id) AS transitions,
  (SELECT coalesce(json_agg(json_build_object('taskId', t.task_id, 'type', t.type, 'status', t.status, 'attempt', t.attempt, 'lastError', t.last_error)
       ORDER BY t.created_at, t.type COLLATE "C", t.task_id), '[]')
     FROM outbox_tasks t WHERE t.tenant_id = j.tenant_id AND t.job_id = j.job_id) AS tasks
FROM deploy_jobs j
WHERE j.tenant_id = $1 AND j.job_id = $2`;

interface JobRecord {
  readonly tenant_id: unknown;
  readonly job_id: unknown;
  readonly axes: unknown;
  readonly records: unknown;
  readonly state: unknown;
  readonly error: unknown;
  readonly created_at: unknown;
  readonly transitions: unknown;
  readonly tasks: unknown;
}

export async function getJob(q: Queryable, tenantId: string, jobId: string): Promise<StoredDeployJob | undefined> {
  const { rows } = await q.query<JobRecord>({ name: 'ivm_get_job', text: GET_JOB, values: [tenantId, jobId] });
  const [row] = rows;
  if (!row) return undefined;
  const error = decodeJobError(row.error);
  if (!Array.isArray(row.transitions) || !Array.isArray(row.tasks)) throw corrupt('deploy_jobs', 'transitions');
  return {
    tenantId: text(row.tenant_id, 'deploy_jobs', 'tenant_id'),
    jobId: text(row.job_id, 'deploy_jobs', 'job_id'),
    axes: decodeAxes(row.axes),
    records: decodeRecords(row.records),
    state: decodeState(row.state),
    transitions: row.transitions.map((t: unknown) => {
      if (!isJsonObject(t)) throw corrupt('deploy_transitions', 'state');
      return { state: decodeState(t['state'], 'deploy_transitions'), at: time(t['at'], 'deploy_transitions', 'at') };
    }),
    ...(error ? { error } : {}),
    createdAt: time(row.created_at, 'deploy_jobs', 'created_at'),
    tasks: row.tasks.map(decodeSummary),
  };
}
