import { taskFromSpec, type TaskSpec } from '@ivm/domain';
import type { Queryable } from '../client';
import { enqueueValues, insertPendingCtes } from './enqueue-tasks';
import { jobWriteCtes, jobWriteValues, type LockedJob } from './job-steps';

/* What follows settled attempts, in one statement: moved jobs, their transitions, new tasks and their NOTIFY. */
const WRITE = `
WITH ${jobWriteCtes(1)}, ${insertPendingCtes(10)}
SELECT (SELECT count(*) FROM woken)::int AS woken`;

/** Writes the jobs `stepJobs` moved and enqueues the tasks (checked first); nothing is sent when there is nothing to write. */
export async function writeFollowUps(q: Queryable, moved: readonly LockedJob[], enqueue: readonly TaskSpec[]): Promise<void> {
  const tasks = enqueue.map((spec) => taskFromSpec(spec, 0));
  if (moved.length === 0 && tasks.length === 0) return;
  await q.query({ name: 'ivm_write_follow_ups', text: WRITE, values: [...jobWriteValues(moved), ...enqueueValues(tasks)] });
}
