import { assertTenantId, NotFoundError, type DeployJobError, type StoredDeployJob } from '@ivm/domain';
import type { DeployDeps } from './deps';

/** GET deploys/{jobId}: the job, and for a job held up by a DEAD task, that task's error. */
export function deployStatusUseCase(deps: Pick<DeployDeps, 'jobs'>) {
  return async (input: { readonly tenantId: string; readonly jobId: string }): Promise<StoredDeployJob> => {
    assertTenantId(input.tenantId);
    const job = await deps.jobs.get(input.tenantId, input.jobId);
    if (job === undefined) throw new NotFoundError(`deploy job ${input.jobId}`);
    return job;
  };
}

/** Why a job is not going on: its own error once FAILED, else the error of a DEAD task (re-drivable). */
export function jobError(job: StoredDeployJob): DeployJobError | undefined {
  if (job.error !== undefined) return job.error;
  const dead = job.tasks.find((task) => task.status === 'DEAD');
  if (dead === undefined) return undefined;
  const cause = dead.lastError ?? { code: 'TASK_DEAD', message: 'no error recorded' };
  return { code: cause.code, message: `${dead.type} ${dead.taskId} is DEAD after ${dead.attempt} attempts (re-drive it to resume): ${cause.message}` };
}
