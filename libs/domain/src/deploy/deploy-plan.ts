import type { DeployAxes } from './axes';
import type { TaskType } from './outbox-task';

/** How one step runs: inline in the request, through an outbox task, or not at all. */
export type StepExecution = 'INLINE' | 'OUTBOX' | 'NONE';

/**
 * What a deploy with given axes puts in the outbox, and when. The outbox exists only at an async
 * boundary, so sync steps never create a task.
 */
export interface DeployPlan {
  readonly compile: Exclude<StepExecution, 'NONE'>;
  readonly ship: StepExecution;
  /** The task enqueued when the request is accepted (in the same transaction as the job). */
  readonly enqueueOnAccept: 'COMPILE_TASK' | null;
  /** The task enqueued once compile has finished (inline, or by the compile worker: a chain). */
  readonly enqueueAfterCompile: 'SHIP_TASK' | null;
  /** Every task type the deploy will create, in order. */
  readonly tasks: readonly TaskType[];
}

export function deployPlan(axes: DeployAxes): DeployPlan {
  const compile = axes.compile === 'async' ? 'OUTBOX' : 'INLINE';
  const ship = axes.ship === null ? 'NONE' : axes.ship.mode === 'async' ? 'OUTBOX' : 'INLINE';
  const enqueueOnAccept = compile === 'OUTBOX' ? 'COMPILE_TASK' : null;
  const enqueueAfterCompile = ship === 'OUTBOX' ? 'SHIP_TASK' : null;
  const tasks: TaskType[] = [];
  if (enqueueOnAccept !== null) tasks.push(enqueueOnAccept);
  if (enqueueAfterCompile !== null) tasks.push(enqueueAfterCompile);
  return { compile, ship, enqueueOnAccept, enqueueAfterCompile, tasks };
}
