import { parseAliasSpec, renderAliases, setAlias } from './aliases-api';
import { type Context, reply, type Reply } from './context';
import { illegalArgument, indexNotFound, OpenSearchError } from './errors';
import { globToRegExp } from './glob';
import { isObject } from './json';
import { mergeMappings, parseMapping, renderMapping } from './mappings';
import { IndexState, validateName } from './registry';
import { normalizeSettings } from './settings';

/**
 * Index administration: create (settings, mappings, aliases), exists, get, delete, put/get
 * mapping, put/get settings, refresh. Modelled on MetadataCreateIndexService (name rules,
 * resource_already_exists_exception), MetadataMappingService (additive mapping merges) and
 * MetadataUpdateSettingsService (dynamic settings only on an open index).
 */
export const MASTER_PARAMS = ['timeout', 'master_timeout', 'cluster_manager_timeout'];
export const CREATE_PARAMS = [...MASTER_PARAMS, 'wait_for_active_shards'];
export const GET_INDEX_PARAMS = [...MASTER_PARAMS, 'flat_settings', 'local'];
export const INDEX_EXPRESSION_UNSUPPORTED = ['ignore_unavailable', 'allow_no_indices', 'expand_wildcards', 'include_defaults'];

function indexName(params: Readonly<Record<string, string>>): string {
  return params['index'] ?? '_all';
}

export function createIndexHandler(ctx: Context, params: Readonly<Record<string, string>>): Reply {
  const name = indexName(params);
  validateName(name, 'index');
  const existing = ctx.cluster.indices.get(name);
  if (existing !== undefined) {
    throw new OpenSearchError(400, 'resource_already_exists_exception', `index [${name}/${existing.uuid}] already exists`, {
      index_uuid: existing.uuid,
      index: name,
    });
  }
  if (ctx.cluster.hasAlias(name)) {
    throw new OpenSearchError(400, 'invalid_index_name_exception', `Invalid index name [${name}], already exists as alias`, {
      index_uuid: '_na_',
      index: name,
    });
  }
  const body = ctx.json() ?? {};
  if (!isObject(body)) throw new OpenSearchError(400, 'parse_exception', 'Failed to derive xcontent');
  for (const key of Object.keys(body)) {
    if (key !== 'settings' && key !== 'mappings' && key !== 'aliases')
      throw new OpenSearchError(400, 'parse_exception', `unknown key [${key}] for create index`);
  }
  const index = new IndexState(name, normalizeSettings(body['settings']), ctx.cluster.now);
  index.mapping = parseMapping(body['mappings']);
  const aliases = body['aliases'] ?? {};
  if (!isObject(aliases)) throw new OpenSearchError(400, 'parse_exception', 'aliases must be an object');
  // Checked before the index exists, so a failure leaves nothing behind.
  const staged = Object.entries(aliases).map(([alias, spec]) => [alias, parseAliasSpec(alias, spec, index)] as const);
  for (const [alias] of staged) {
    if (alias === name || ctx.cluster.indices.has(alias)) {
      throw new OpenSearchError(
        400,
        'invalid_alias_name_exception',
        `Invalid alias name [${alias}]: an index or data stream exists with the same name as the alias`,
      );
    }
  }
  ctx.cluster.indices.set(name, index);
  try {
    for (const [alias, meta] of staged) setAlias(ctx, index, alias, meta);
  } catch (error) {
    ctx.cluster.indices.delete(name);
    throw error;
  }
  return reply(200, { acknowledged: true, shards_acknowledged: true, index: name });
}

export function indexExistsHandler(ctx: Context, params: Readonly<Record<string, string>>): Reply {
  return reply(ctx.cluster.exists(indexName(params)) ? 200 : 404);
}

export function getIndexHandler(ctx: Context, params: Readonly<Record<string, string>>): Reply {
  const flat = ctx.flag('flat_settings');
  const out: Record<string, unknown> = {};
  for (const { index } of ctx.cluster.resolveRead(indexName(params))) {
    out[index.name] = { aliases: renderAliases(index), mappings: renderMapping(index.mapping), settings: index.settings.render(flat) };
  }
  return reply(200, out);
}

export function deleteIndexHandler(ctx: Context, params: Readonly<Record<string, string>>): Reply {
  const expression = indexName(params);
  // DELETE resolves index names only (IndicesOptions with ignoreAliases): a glob never reaches an index through an alias.
  const doomed = new Set<string>();
  for (const part of expression.split(',')) {
    if (part === '_all' || part.includes('*')) {
      const pattern = globToRegExp(part === '_all' ? '*' : part);
      for (const name of ctx.cluster.indices.keys()) if (pattern.test(name)) doomed.add(name);
    } else if (ctx.cluster.indices.has(part)) doomed.add(part);
    else if (ctx.cluster.hasAlias(part))
      throw illegalArgument(`The provided expression [${part}] matches an alias, specify the corresponding concrete indices instead.`);
    else throw indexNotFound(part);
  }
  for (const name of doomed) ctx.cluster.indices.delete(name);
  return reply(200, { acknowledged: true });
}

export function putMappingHandler(ctx: Context, params: Readonly<Record<string, string>>): Reply {
  const targets = ctx.cluster.resolveConcrete(indexName(params));
  const incoming = parseMapping(ctx.requiredJson());
  // All or nothing: every merge is computed before any index changes.
  const merged = targets.map((index) => [index, mergeMappings(index.mapping, incoming)] as const);
  for (const [index, mapping] of merged) index.mapping = mapping;
  return reply(200, { acknowledged: true });
}

export function getMappingHandler(ctx: Context, params: Readonly<Record<string, string>>): Reply {
  const out: Record<string, unknown> = {};
  for (const index of ctx.cluster.resolveConcrete(indexName(params))) out[index.name] = { mappings: renderMapping(index.mapping) };
  return reply(200, out);
}

export function putSettingsHandler(ctx: Context, params: Readonly<Record<string, string>>): Reply {
  const targets = ctx.cluster.resolveConcrete(indexName(params));
  const body = ctx.requiredJson();
  // RestUpdateSettingsAction takes the settings bare or wrapped in "settings".
  const inner = isObject(body) && isObject(body['settings']) ? body['settings'] : body;
  const changes = normalizeSettings(inner);
  if (changes.size === 0) throw new OpenSearchError(400, 'action_request_validation_exception', 'Validation Failed: 1: no settings to update;');
  // The checks depend on the settings only, so a refusal comes from the first index, before any changed.
  for (const index of targets) index.settings.update(index.name, index.uuid, changes);
  return reply(200, { acknowledged: true });
}

export function getSettingsHandler(ctx: Context, params: Readonly<Record<string, string>>): Reply {
  const flat = ctx.flag('flat_settings');
  const out: Record<string, unknown> = {};
  for (const index of ctx.cluster.resolveConcrete(indexName(params))) out[index.name] = { settings: index.settings.render(flat) };
  return reply(200, out);
}

/** `_refresh`: every write so far becomes searchable. Shard counts as a one-node cluster reports them. */
export function refreshHandler(ctx: Context, params: Readonly<Record<string, string>>): Reply {
  const targets: IndexState[] = ctx.cluster.resolveConcrete(indexName(params));
  let total = 0;
  let successful = 0;
  for (const index of targets) {
    index.store.refresh();
    const shards = Number(index.settings.get('index.number_of_shards'));
    total += shards * (1 + Number(index.settings.get('index.number_of_replicas')));
    successful += shards;
  }
  return reply(200, { _shards: { total, successful, failed: 0 } });
}
