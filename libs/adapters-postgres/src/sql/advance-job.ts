import type { JobStep, Lease } from '@ivm/domain';
import type { Queryable } from '../client';
import { decodeLockedJobs, lockJobsSelect, stepJobs, stepJobValues } from './job-steps';
import { writeFollowUps } from './write-follow-ups';

/*
 * Inside a transaction: hold the task's row while the lease is its current attempt (no settle,
 * reap or reclaim passes it until commit) and lock the steps' jobs, in one statement.
 */
const FENCE_AND_LOCK = `
WITH fenced AS (
  SELECT task_id FROM outbox_tasks WHERE task_id = $1 AND token::text = $2 AND status = 'RUNNING' FOR UPDATE
), locked AS (
  ${lockJobsSelect(3, 4)}
)
SELECT (SELECT count(*) FROM fenced)::int AS fenced, (SELECT coalesce(json_agg(l), '[]') FROM locked l) AS jobs`;

/** 'fenced' (nothing written) unless the lease is the task's current attempt; then the steps are applied. */
export async function advanceJob(q: Queryable, lease: Lease, steps: readonly JobStep[]): Promise<'applied' | 'fenced'> {
  const { rows } = await q.query<{ fenced: number; jobs: unknown }>({
    name: 'ivm_fence_and_lock_jobs',
    text: FENCE_AND_LOCK,
    values: [lease.taskId, lease.token, ...stepJobValues(steps)],
  });
  const [row] = rows;
  if (!row || row.fenced === 0) return 'fenced';
  await writeFollowUps(q, stepJobs(decodeLockedJobs(row.jobs), steps), []);
  return 'applied';
}
