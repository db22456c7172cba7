// Test-only helpers (`@ivm/adapters-opensearch/testing`): never imported by production code.
export type { BulkItemInfo, InjectedItemError, ItemFault, Outage, RequestMatch } from './faults';
export {
  type InspectedDocument,
  type InspectedTombstone,
  type OpenSearchTestServer,
  type OpenSearchTestServerOptions,
  type RecordedRequest,
  startOpenSearchTestServer,
  type UnsupportedRequest,
} from './server';
