import { getAliasHandler, updateAliasesHandler } from './aliases-api';
import { BULK_PARAMS, BULK_UNSUPPORTED_PARAMS, bulkHandler } from './bulk';
import { healthHandler, infoHandler } from './cluster-api';
import {
  createDocHandler,
  deleteDocHandler,
  GET_PARAMS,
  GET_UNSUPPORTED_PARAMS,
  getDocHandler,
  INDEX_PARAMS,
  INDEX_UNSUPPORTED_PARAMS,
  postDocHandler,
  putDocHandler,
  WRITE_PARAMS,
} from './documents-api';
import {
  CREATE_PARAMS,
  createIndexHandler,
  deleteIndexHandler,
  GET_INDEX_PARAMS,
  getIndexHandler,
  getMappingHandler,
  getSettingsHandler,
  INDEX_EXPRESSION_UNSUPPORTED,
  indexExistsHandler,
  MASTER_PARAMS,
  putMappingHandler,
  putSettingsHandler,
  refreshHandler,
} from './indices-api';
import { type Route } from './router';
import { countHandler, SEARCH_PARAMS, SEARCH_UNSUPPORTED_PARAMS, searchHandler } from './search';

/** Every API the test server implements; anything else is "no handler found" (and recorded as unsupported). */
export const ROUTES: readonly Route[] = [
  { methods: ['GET', 'HEAD'], pattern: '/', params: [], handle: infoHandler },
  {
    methods: ['GET'],
    pattern: '/_cluster/health',
    params: [
      'wait_for_status',
      'timeout',
      'master_timeout',
      'cluster_manager_timeout',
      'local',
      'level',
      'wait_for_active_shards',
      'wait_for_no_relocating_shards',
    ],
    handle: healthHandler,
  },
  { methods: ['POST', 'PUT'], pattern: '/_bulk', params: BULK_PARAMS, unsupportedParams: BULK_UNSUPPORTED_PARAMS, handle: bulkHandler },
  { methods: ['POST', 'PUT'], pattern: '/{index}/_bulk', params: BULK_PARAMS, unsupportedParams: BULK_UNSUPPORTED_PARAMS, handle: bulkHandler },

  { methods: ['GET', 'POST'], pattern: '/_search', params: SEARCH_PARAMS, unsupportedParams: SEARCH_UNSUPPORTED_PARAMS, handle: searchHandler },
  { methods: ['GET', 'POST'], pattern: '/{index}/_search', params: SEARCH_PARAMS, unsupportedParams: SEARCH_UNSUPPORTED_PARAMS, handle: searchHandler },
  {
    methods: ['GET', 'POST'],
    pattern: '/_count',
    params: ['routing', 'preference'],
    unsupportedParams: ['q', 'min_score', 'terminate_after'],
    handle: countHandler,
  },
  {
    methods: ['GET', 'POST'],
    pattern: '/{index}/_count',
    params: ['routing', 'preference'],
    unsupportedParams: ['q', 'min_score', 'terminate_after'],
    handle: countHandler,
  },

  { methods: ['GET', 'POST'], pattern: '/_refresh', params: [], unsupportedParams: INDEX_EXPRESSION_UNSUPPORTED, handle: refreshHandler },
  { methods: ['GET', 'POST'], pattern: '/{index}/_refresh', params: [], unsupportedParams: INDEX_EXPRESSION_UNSUPPORTED, handle: refreshHandler },

  { methods: ['POST'], pattern: '/_aliases', params: MASTER_PARAMS, handle: (ctx) => updateAliasesHandler(ctx) },
  { methods: ['GET', 'HEAD'], pattern: '/_alias', params: ['local'], unsupportedParams: INDEX_EXPRESSION_UNSUPPORTED, handle: getAliasHandler },
  { methods: ['GET', 'HEAD'], pattern: '/_alias/{name}', params: ['local'], unsupportedParams: INDEX_EXPRESSION_UNSUPPORTED, handle: getAliasHandler },
  { methods: ['GET', 'HEAD'], pattern: '/{index}/_alias', params: ['local'], unsupportedParams: INDEX_EXPRESSION_UNSUPPORTED, handle: getAliasHandler },
  { methods: ['GET', 'HEAD'], pattern: '/{index}/_alias/{name}', params: ['local'], unsupportedParams: INDEX_EXPRESSION_UNSUPPORTED, handle: getAliasHandler },

  { methods: ['GET'], pattern: '/_mapping', params: MASTER_PARAMS, unsupportedParams: INDEX_EXPRESSION_UNSUPPORTED, handle: getMappingHandler },
  { methods: ['GET'], pattern: '/{index}/_mapping', params: MASTER_PARAMS, unsupportedParams: INDEX_EXPRESSION_UNSUPPORTED, handle: getMappingHandler },
  {
    methods: ['PUT', 'POST'],
    pattern: '/{index}/_mapping',
    params: MASTER_PARAMS,
    unsupportedParams: [...INDEX_EXPRESSION_UNSUPPORTED, 'write_index_only'],
    handle: putMappingHandler,
  },
  {
    methods: ['GET'],
    pattern: '/_settings',
    params: [...MASTER_PARAMS, 'flat_settings', 'local'],
    unsupportedParams: INDEX_EXPRESSION_UNSUPPORTED,
    handle: getSettingsHandler,
  },
  {
    methods: ['GET'],
    pattern: '/{index}/_settings',
    params: [...MASTER_PARAMS, 'flat_settings', 'local'],
    unsupportedParams: INDEX_EXPRESSION_UNSUPPORTED,
    handle: getSettingsHandler,
  },
  {
    methods: ['PUT'],
    pattern: '/{index}/_settings',
    params: [...MASTER_PARAMS, 'flat_settings'],
    unsupportedParams: [...INDEX_EXPRESSION_UNSUPPORTED, 'preserve_existing'],
    handle: putSettingsHandler,
  },

  { methods: ['PUT', 'POST'], pattern: '/{index}/_doc/{id}', params: INDEX_PARAMS, unsupportedParams: INDEX_UNSUPPORTED_PARAMS, handle: putDocHandler },
  { methods: ['GET', 'HEAD'], pattern: '/{index}/_doc/{id}', params: GET_PARAMS, unsupportedParams: GET_UNSUPPORTED_PARAMS, handle: getDocHandler },
  { methods: ['DELETE'], pattern: '/{index}/_doc/{id}', params: WRITE_PARAMS, handle: deleteDocHandler },
  { methods: ['POST'], pattern: '/{index}/_doc', params: INDEX_PARAMS, unsupportedParams: INDEX_UNSUPPORTED_PARAMS, handle: postDocHandler },
  { methods: ['PUT', 'POST'], pattern: '/{index}/_create/{id}', params: INDEX_PARAMS, unsupportedParams: INDEX_UNSUPPORTED_PARAMS, handle: createDocHandler },

  { methods: ['PUT'], pattern: '/{index}', params: CREATE_PARAMS, unsupportedParams: ['include_type_name'], handle: createIndexHandler },
  { methods: ['HEAD'], pattern: '/{index}', params: ['local', 'flat_settings'], unsupportedParams: INDEX_EXPRESSION_UNSUPPORTED, handle: indexExistsHandler },
  { methods: ['GET'], pattern: '/{index}', params: GET_INDEX_PARAMS, unsupportedParams: INDEX_EXPRESSION_UNSUPPORTED, handle: getIndexHandler },
  { methods: ['DELETE'], pattern: '/{index}', params: MASTER_PARAMS, unsupportedParams: INDEX_EXPRESSION_UNSUPPORTED, handle: deleteIndexHandler },
];
