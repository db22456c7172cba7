import { allowedDeployTransitions, DEPLOY_STATES, type DeployAxes, type DeployState, type JobStep } from '@ivm/domain';

/** The job's forward path, walked along the state machine's edges that do not fail (SINKING only when something ships). */
function forwardPath(axes: DeployAxes): DeployState[] {
  const edges = allowedDeployTransitions(axes).filter(([, to]) => to !== 'FAILED');
  const path: DeployState[] = ['QUEUED'];
  for (let next = edges.find(([from]) => from === 'QUEUED'); next; next = edges.find(([from]) => from === path.at(-1))) path.push(next[1]);
  return path;
}

/**
 * The steps that take a job from `from` to `to` along its forward path, one per edge, so a re-run
 * that finds the job further along (an earlier attempt advanced it) asks only for what is left.
 */
export function stepsBetween(tenantId: string, jobId: string, axes: DeployAxes, from: DeployState, to: DeployState): JobStep[] {
  const path = forwardPath(axes);
  const start = path.indexOf(from);
  const end = path.indexOf(to);
  if (start < 0 || end < 0 || end < start) return [];
  const steps: JobStep[] = [];
  for (let i = start; i < end; i++) steps.push({ tenantId, jobId, from: path[i] as DeployState, to: path[i + 1] as DeployState });
  return steps;
}

/** True when `state` is at or past `target` going forward (DEPLOY_STATES lists the states in that order). */
export function reached(state: DeployState, target: DeployState): boolean {
  return DEPLOY_STATES.indexOf(state) >= DEPLOY_STATES.indexOf(target);
}
