// The SDK core (transports, errors, the deploy plan), and the client generated from the sample catalog (contracts/).
// Values are re-exported by name: ESM importers of this CommonJS package find them statically.
export {
  CatalogMismatchError,
  ClientClosedError,
  createClient,
  createIngest,
  DeployWaitTimeoutError,
  httpTransport,
  inProcessTransport,
  IvmApiError,
  IvmBadResponseError,
  IvmError,
  IvmNetworkError,
  IvmTimeoutError,
  PLAN_AXES,
  RETRY_DEFAULTS,
  SELECTED_SINKS,
} from './core';
export type * from './core';
export { catalog, Ivm } from './generated/catalog';
export type * from './generated/catalog';
