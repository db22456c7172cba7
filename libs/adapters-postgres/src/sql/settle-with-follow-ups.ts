import type { JobStep, Settlement } from '@ivm/domain';
import type { Queryable } from '../client';
import { decodeLockedJobs, lockJobsSelect, stepJobValues, type LockedJob } from './job-steps';
import { SETTLE_UPDATE, settleValues } from './settle-tasks';

/*
 * Inside a transaction: the fenced batch settle of settle-tasks.ts and the lock of every job the
 * batch's follow-ups name, in one statement (a fenced settlement's jobs are locked too, and
 * released at commit: cheaper than another round trip to lock only the applied ones).
 */
const SETTLE_AND_LOCK = `
WITH settled AS (${SETTLE_UPDATE}
), locked AS (
  ${lockJobsSelect(6, 7)}
)
SELECT (SELECT coalesce(json_agg(task_id), '[]') FROM settled) AS settled, (SELECT coalesce(json_agg(l), '[]') FROM locked l) AS jobs`;

/** The ids of the tasks settled, and the locked jobs. */
export async function settleAndLockJobs(
  q: Queryable,
  settlements: readonly Settlement[],
  steps: readonly JobStep[],
): Promise<{ readonly applied: Set<string>; readonly jobs: Map<string, LockedJob> }> {
  const { rows } = await q.query<{ settled: string[]; jobs: unknown }>({
    name: 'ivm_settle_and_lock_jobs',
    text: SETTLE_AND_LOCK,
    values: [...settleValues(settlements), ...stepJobValues(steps)],
  });
  const [row] = rows;
  return { applied: new Set(row?.settled ?? []), jobs: decodeLockedJobs(row?.jobs ?? []) };
}
