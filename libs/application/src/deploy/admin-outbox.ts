import { TASK_STATUSES, InvalidDeployRequestError, type OutboxTask, type TaskStatus } from '@ivm/domain';
import type { DeployDeps } from './deps';

const MAX_LIST = 1000;

/** GET /v1/admin/outbox: tasks in one status, oldest first. */
export function listOutboxUseCase(deps: Pick<DeployDeps, 'outbox'>) {
  return async (input: { readonly status: string; readonly limit?: number }): Promise<readonly OutboxTask[]> => {
    if (!(TASK_STATUSES as readonly string[]).includes(input.status))
      throw new InvalidDeployRequestError('Unknown task status', [{ path: 'status', message: `must be one of ${TASK_STATUSES.join(', ')}` }]);
    const limit = input.limit ?? 100;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST)
      throw new InvalidDeployRequestError('Invalid limit', [{ path: 'limit', message: `must be an integer from 1 to ${MAX_LIST}` }]);
    return deps.outbox.list(input.status as TaskStatus, limit);
  };
}

/** POST /v1/admin/outbox/{taskId}/redrive: DEAD → PENDING with a fresh attempt budget. @throws NotFoundError, IllegalStateTransitionError */
export function redriveTaskUseCase(deps: Pick<DeployDeps, 'outbox'>) {
  return async (taskId: string): Promise<OutboxTask> => deps.outbox.redrive(taskId);
}
