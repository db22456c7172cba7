import { listOutboxUseCase, redriveTaskUseCase } from './admin-outbox';
import { createDeployUseCase } from './create-deploy';
import type { DeployDeps } from './deps';
import { deployStatusUseCase } from './deploy-status';
import { deployTasks } from './deploy-tasks';

/** The deploy use cases and the task handlers a worker runs, wired to one set of ports. */
export function createDeployServices(deps: DeployDeps) {
  return {
    createDeploy: createDeployUseCase(deps),
    deployStatus: deployStatusUseCase(deps),
    listOutbox: listOutboxUseCase(deps),
    redriveTask: redriveTaskUseCase(deps),
    handlers: deployTasks(deps).handlers,
  };
}

export type DeployServices = ReturnType<typeof createDeployServices>;
