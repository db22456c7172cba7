import { NotFoundError, stepDeployJob, type DeployJob, type JobStep } from '@ivm/domain';
import { decodeAxes, decodeJobError, decodeState, count, text } from '../codec';
import { corrupt } from '../errors';

/*
 * Job steps in a transaction, in two statements around the domain's rule: the first locks the
 * jobs the steps name (`lockJobsSelect`, in key order so two transactions never wait on each
 * other crosswise), `stepJobs` applies the steps in order (stepDeployJob: apply from `from`,
 * skip at `to`, refuse anything else), and the second writes the moved jobs and their new
 * transitions (`jobWriteCtes`) at the database's now().
 */

/** A locked job with only the transitions this call adds (the stored ones are not read). */
export interface LockedJob {
  readonly tenantId: string;
  readonly job: DeployJob;
  readonly storedTransitions: number;
}

/** SELECT … FOR UPDATE of the jobs named by the tenant and job arrays in $tenants and $jobs; as rows for `decodeLockedJobs`. */
export function lockJobsSelect(tenants: number, jobs: number): string {
  return `SELECT d.tenant_id, d.job_id, d.axes, d.state, d.error, d.transition_count
  FROM deploy_jobs d
  WHERE (d.tenant_id, d.job_id) IN (SELECT * FROM unnest($${tenants}::text[], $${jobs}::text[]))
  ORDER BY d.tenant_id, d.job_id
  FOR UPDATE`;
}

/** The tenant and job arrays naming the steps' jobs. */
export function stepJobValues(steps: readonly JobStep[]): unknown[] {
  return [steps.map((s) => s.tenantId), steps.map((s) => s.jobId)];
}

const keyOf = (tenantId: string, jobId: string): string => `${tenantId}\u0000${jobId}`;

/** Rows of `lockJobsSelect` (as json_agg objects), by tenant and job. */
export function decodeLockedJobs(rows: unknown): Map<string, LockedJob> {
  if (!Array.isArray(rows)) throw corrupt('deploy_jobs', 'state');
  const jobs = new Map<string, LockedJob>();
  for (const row of rows as Record<string, unknown>[]) {
    const tenantId = text(row['tenant_id'], 'deploy_jobs', 'tenant_id');
    const jobId = text(row['job_id'], 'deploy_jobs', 'job_id');
    const error = decodeJobError(row['error']);
    const job: DeployJob = { jobId, axes: decodeAxes(row['axes']), state: decodeState(row['state']), transitions: [], ...(error ? { error } : {}) };
    jobs.set(keyOf(tenantId, jobId), { tenantId, job, storedTransitions: count(row['transition_count'], 'deploy_jobs', 'transition_count') });
  }
  return jobs;
}

/** Applies the steps in order to the locked jobs; answers the jobs that moved. NotFoundError or IllegalStateTransitionError roll the caller's transaction back. */
export function stepJobs(locked: ReadonlyMap<string, LockedJob>, steps: readonly JobStep[]): LockedJob[] {
  const jobs = new Map(locked);
  for (const step of steps) {
    const key = keyOf(step.tenantId, step.jobId);
    const current = jobs.get(key);
    if (!current) throw new NotFoundError(`Deploy job ${step.tenantId}/${step.jobId}`);
    // Times are the database's: the write stamps each new transition with now().
    jobs.set(key, { ...current, job: stepDeployJob(current.job, step, 0).job });
  }
  return [...jobs.values()].filter((j) => j.job.transitions.length > 0);
}

/** CTEs `moved` and `new_transitions` writing the moved jobs, with parameters $p–$p+8 (`jobWriteValues`). */
export function jobWriteCtes(p: number): string {
  return `moved AS (
  UPDATE deploy_jobs d SET state = u.state, error = u.error, transition_count = u.transition_count, updated_at = now()
  FROM unnest($${p}::text[], $${p + 1}::text[], $${p + 2}::text[], $${p + 3}::jsonb[], $${p + 4}::int4[]) AS u(tenant_id, job_id, state, error, transition_count)
  WHERE d.tenant_id = u.tenant_id AND d.job_id = u.job_id
  RETURNING 1
), new_transitions AS (
  INSERT INTO deploy_transitions (tenant_id, job_id, seq, state, at)
  SELECT tenant_id, job_id, seq, state, now() FROM unnest($${p + 5}::text[], $${p + 6}::text[], $${p + 7}::int4[], $${p + 8}::text[]) AS n(tenant_id, job_id, seq, state)
)`;
}

export function jobWriteValues(moved: readonly LockedJob[]): unknown[] {
  const transitions = moved.flatMap((m) =>
    m.job.transitions.map((t, i) => ({ tenantId: m.tenantId, jobId: m.job.jobId, seq: m.storedTransitions + i + 1, state: t.state })),
  );
  return [
    moved.map((m) => m.tenantId),
    moved.map((m) => m.job.jobId),
    moved.map((m) => m.job.state),
    moved.map((m) => (m.job.error ? JSON.stringify(m.job.error) : null)),
    moved.map((m) => m.storedTransitions + m.job.transitions.length),
    transitions.map((t) => t.tenantId),
    transitions.map((t) => t.jobId),
    transitions.map((t) => t.seq),
    transitions.map((t) => t.state),
  ];
}
