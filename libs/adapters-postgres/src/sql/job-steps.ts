import { NotFoundError, stepDeployJob, type DeployJob, type DeployJobError, type DeployState, type JobStep } from '@ivm/domain';
import type { Queryable } from '../client';
import { decodeAxes, decodeJobError, decodeState, count } from '../codec';

/*
 * Job steps inside a transaction: lock the jobs the steps name (in key order, so two
 * transactions never wait on each other crosswise), apply the steps in order with the domain's
 * rule (stepDeployJob: apply from `from`, skip at `to`, refuse anything else), then write the
 * moved jobs and their new transitions in one statement at the database's now().
 */
const LOCK = `
SELECT d.tenant_id, d.job_id, d.axes, d.state, d.error, d.transition_count
FROM deploy_jobs d
WHERE (d.tenant_id, d.job_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
ORDER BY d.tenant_id, d.job_id
FOR UPDATE`;

const WRITE = `
WITH moved AS (
  UPDATE deploy_jobs d SET state = u.state, error = u.error, transition_count = u.transition_count, updated_at = now()
  FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::int4[]) AS u(tenant_id, job_id, state, error, transition_count)
  WHERE d.tenant_id = u.tenant_id AND d.job_id = u.job_id
  RETURNING 1
)
INSERT INTO deploy_transitions (tenant_id, job_id, seq, state, at)
SELECT tenant_id, job_id, seq, state, now() FROM unnest($6::text[], $7::text[], $8::int4[], $9::text[]) AS n(tenant_id, job_id, seq, state)`;

interface LockedJob {
  readonly tenantId: string;
  /** The job with only the transitions this call adds (the stored ones are not read). */
  job: DeployJob;
  readonly storedTransitions: number;
}

interface JobRecord {
  readonly tenant_id: string;
  readonly job_id: string;
  readonly axes: unknown;
  readonly state: unknown;
  readonly error: unknown;
  readonly transition_count: unknown;
}

const keyOf = (tenantId: string, jobId: string): string => `${tenantId}\u0000${jobId}`;

/** Applies the steps in order; throws NotFoundError or IllegalStateTransitionError (the caller's transaction rolls back). */
export async function applyJobSteps(q: Queryable, steps: readonly JobStep[]): Promise<void> {
  if (steps.length === 0) return;
  const jobs = await lockJobs(q, steps);
  for (const step of steps) {
    const locked = jobs.get(keyOf(step.tenantId, step.jobId));
    if (!locked) throw new NotFoundError(`Deploy job ${step.tenantId}/${step.jobId}`);
    // Times are the database's: the write stamps each new transition with now().
    locked.job = stepDeployJob(locked.job, step, 0).job;
  }
  await writeJobs(
    q,
    [...jobs.values()].filter((locked) => locked.job.transitions.length > 0),
  );
}

async function lockJobs(q: Queryable, steps: readonly JobStep[]): Promise<Map<string, LockedJob>> {
  const { rows } = await q.query<JobRecord>({ name: 'ivm_lock_jobs', text: LOCK, values: [steps.map((s) => s.tenantId), steps.map((s) => s.jobId)] });
  const jobs = new Map<string, LockedJob>();
  for (const row of rows) {
    const error: DeployJobError | undefined = decodeJobError(row.error);
    const state: DeployState = decodeState(row.state);
    const job: DeployJob = { jobId: row.job_id, axes: decodeAxes(row.axes), state, transitions: [], ...(error ? { error } : {}) };
    jobs.set(keyOf(row.tenant_id, row.job_id), {
      tenantId: row.tenant_id,
      job,
      storedTransitions: count(row.transition_count, 'deploy_jobs', 'transition_count'),
    });
  }
  return jobs;
}

async function writeJobs(q: Queryable, moved: readonly LockedJob[]): Promise<void> {
  if (moved.length === 0) return;
  const transitions = moved.flatMap((locked) =>
    locked.job.transitions.map((t, i) => ({ tenantId: locked.tenantId, jobId: locked.job.jobId, seq: locked.storedTransitions + i + 1, state: t.state })),
  );
  await q.query({
    name: 'ivm_write_jobs',
    text: WRITE,
    values: [
      moved.map((m) => m.tenantId),
      moved.map((m) => m.job.jobId),
      moved.map((m) => m.job.state),
      moved.map((m) => (m.job.error ? JSON.stringify(m.job.error) : null)),
      moved.map((m) => m.storedTransitions + m.job.transitions.length),
      transitions.map((t) => t.tenantId),
      transitions.map((t) => t.jobId),
      transitions.map((t) => t.seq),
      transitions.map((t) => t.state),
    ],
  });
}
