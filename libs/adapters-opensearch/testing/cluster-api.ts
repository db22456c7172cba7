import { type Context, reply, type Reply } from './context';

/** `GET /` and `GET /_cluster/health`: a one-node OpenSearch 2.19.1 cluster that is always green. */
export const OPENSEARCH_VERSION = '2.19.1';
export const CLUSTER_NAME = 'opensearch-test-server';

export function infoHandler(ctx: Context): Reply {
  if (ctx.request.method === 'HEAD') return reply(200);
  return reply(200, {
    name: 'test-node',
    cluster_name: CLUSTER_NAME,
    cluster_uuid: 'opensearch-test-server-cluster',
    version: {
      distribution: 'opensearch',
      number: OPENSEARCH_VERSION,
      build_type: 'tar',
      build_hash: 'test-server',
      build_date: '2025-02-27T00:00:00.000000Z',
      build_snapshot: false,
      lucene_version: '9.12.1',
      minimum_wire_compatibility_version: '7.10.0',
      minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'The OpenSearch Project: https://opensearch.org/',
  });
}

export function healthHandler(ctx: Context): Reply {
  const indices = [...ctx.cluster.indices.values()];
  const primaries = indices.reduce((sum, index) => sum + Number(index.settings.get('index.number_of_shards')), 0);
  return reply(200, {
    cluster_name: CLUSTER_NAME,
    // Green even with replicas configured: the test server has no unassigned shards to report (a real one-node cluster says yellow).
    status: 'green',
    timed_out: false,
    number_of_nodes: 1,
    number_of_data_nodes: 1,
    discovered_master: true,
    discovered_cluster_manager: true,
    active_primary_shards: primaries,
    active_shards: primaries,
    relocating_shards: 0,
    initializing_shards: 0,
    unassigned_shards: 0,
    delayed_unassigned_shards: 0,
    number_of_pending_tasks: 0,
    number_of_in_flight_fetch: 0,
    task_max_waiting_in_queue_millis: 0,
    active_shards_percent_as_number: 100,
  });
}
