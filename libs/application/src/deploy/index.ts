export { type DeployDeps, type DeploySettings, type DeploySinks } from './deps';
export { type TaskHandler, type TaskHandlers } from './task-handler';
export { deployTasks } from './deploy-tasks';
export { failureSettlement, runInline, type InlineResult } from './run-inline';
export { createDeployUseCase, type CreateDeployCommand, type CreateDeployResult } from './create-deploy';
export { deployStatusUseCase, jobError } from './deploy-status';
export { listOutboxUseCase, redriveTaskUseCase } from './admin-outbox';
export { shipDocuments, type ShipReport } from './ship-documents';
export { createDeployServices, type DeployServices } from './deploy-services';
