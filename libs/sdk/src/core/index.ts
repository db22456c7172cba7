export type { CatalogDescriptor, CatalogEntity } from './catalog';
export { createClient, type DeployClient, type IvmClientOf, type ViewClient, type ViewPage, type WaitOptions } from './client';
export {
  PLAN_AXES,
  type CompiledLater,
  type CompiledNow,
  type CutoverStep,
  type DeployPlan,
  type DeployStart,
  type PlanAxes,
  type Shipped,
} from './deploy-plan';
export * from './errors';
export { createIngest, type Deployable, type VersionOptions, type Versioned } from './ingest';
export { RETRY_DEFAULTS, type RetryOptions } from './retry';
export { SELECTED_SINKS, type SinkPicker, type SinkSelection } from './sink-selection';
export type {
  CallOptions,
  ContractListing,
  DeployBody,
  DeployCallOptions,
  DeployJobView,
  RecordInput,
  Transport,
  ViewReport,
  WriteRawResult,
} from './transport';
export { httpTransport, type HttpClientOptions, type RetryEvent } from '../http/http-transport';
export { inProcessTransport, type InProcessOptions } from '../in-process/in-process-transport';
