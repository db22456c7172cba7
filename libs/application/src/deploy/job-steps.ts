import type { DeployAxes, DeployState, JobStep } from '@ivm/domain';

// The forward path of a job; SINKING is skipped when nothing is shipped.
const FORWARD: readonly DeployState[] = ['QUEUED', 'RUNNING', 'READY', 'SINKING', 'DONE'];

/**
 * The steps that take a job from `from` to `to` along its forward path, one per edge, so a re-run
 * that finds the job further along (an earlier attempt advanced it) asks only for what is left.
 */
export function stepsBetween(tenantId: string, jobId: string, axes: DeployAxes, from: DeployState, to: DeployState): JobStep[] {
  const path = FORWARD.filter((state) => state !== 'SINKING' || axes.ship !== null);
  const start = path.indexOf(from);
  const end = path.indexOf(to);
  if (start < 0 || end < 0 || end < start) return [];
  const steps: JobStep[] = [];
  for (let i = start; i < end; i++) steps.push({ tenantId, jobId, from: path[i] as DeployState, to: path[i + 1] as DeployState });
  return steps;
}

/** True when `state` is at or past `target` on the job's forward path. */
export function reached(state: DeployState, target: DeployState): boolean {
  return FORWARD.indexOf(state) >= FORWARD.indexOf(target);
}
