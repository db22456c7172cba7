import type { ContractRegistry, OpenSearchSinkContract } from '@ivm/domain';
import type { OpenSearchClientLike, RequestOptions } from './client';
import { indexDefinition, indexNames } from './index-definition';
import { requestFailure, type RequestFailure } from './request-failure';

/** The index is there with the contracts' mappings and the filtered alias, or why not. */
export type IndexReady = { readonly ready: true } | { readonly ready: false; readonly failure: RequestFailure };

/**
 * Makes a sink's index ready, idempotently and safely from any number of processes at once:
 * create it with mappings and alias in one request; if it exists already (another process, an
 * earlier run), add what the contracts added to its mappings and (re)set the alias. A field
 * whose type changed, or an alias name taken by a concrete index, is refused by the cluster: a
 * permanent failure naming the cause — the index must be migrated by hand.
 */
export async function ensureIndex(
  client: OpenSearchClientLike,
  registry: ContractRegistry,
  sink: OpenSearchSinkContract,
  options: RequestOptions,
): Promise<IndexReady> {
  const { index, alias } = indexNames(sink);
  const { mappings, aliasFilter } = indexDefinition(registry, sink);
  try {
    await client.indices.create({ index, body: { mappings, aliases: { [alias]: { filter: aliasFilter } } } }, options);
    return { ready: true };
  } catch (error) {
    const failure = requestFailure(error);
    if (failure.type !== 'resource_already_exists_exception') return { ready: false, failure: prefixed(failure, `creating index ${index}`) };
  }
  try {
    await client.indices.putMapping({ index, body: mappings }, options);
  } catch (error) {
    return { ready: false, failure: prefixed(requestFailure(error), `updating the mappings of index ${index}`) };
  }
  try {
    await client.indices.updateAliases({ body: { actions: [{ add: { index, alias, filter: aliasFilter } }] } }, options);
  } catch (error) {
    return { ready: false, failure: prefixed(requestFailure(error), `setting alias ${alias} on index ${index}`) };
  }
  return { ready: true };
}

function prefixed(failure: RequestFailure, doing: string): RequestFailure {
  return { ...failure, reason: `${doing}: ${failure.reason}` };
}
