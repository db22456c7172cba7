export { openOpenSearchClient, type OpenSearchClientLike, type OpenSearchConnection } from './client';
export { createOpenSearchSink, type ItemRetry, OPENSEARCH_DEFAULTS, type OpenSearchSink, type OpenSearchSinkConfig } from './opensearch-sink';
export { documentMappings, indexNames, type IndexNames, LIVE_FILTER, META_FIELD } from './index-definition';
