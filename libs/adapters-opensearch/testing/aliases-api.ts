import { type Context, reply, type Reply } from './context';
import { OpenSearchError, parsingException, UnsupportedError, validationFailed } from './errors';
import { globToRegExp } from './glob';
import { isObject, type Json, type JsonObject } from './json';
import { compile } from './query';
import { parseQuery } from './query-dsl';
import { type AliasMetadata, type IndexState, validateName } from './registry';

/**
 * Aliases: `POST /_aliases` (add / remove, applied all or nothing like MetadataIndexAliasesService),
 * aliases given at index creation, `GET|HEAD /_alias/{name}` and `/{index}/_alias/{name}`.
 * An alias may carry a `filter` (a query every search through it ANDs) and `is_write_index`.
 */

/** Reads one alias definition and checks its filter parses and compiles against the index. */
export function parseAliasSpec(alias: string, spec: Json, index: IndexState): AliasMetadata {
  validateName(alias, 'alias');
  if (!isObject(spec)) throw parsingException(`[alias] failed to parse field [${alias}]`);
  for (const key of Object.keys(spec)) {
    if (key === 'filter' || key === 'is_write_index') continue;
    if (['routing', 'index_routing', 'search_routing', 'is_hidden'].includes(key))
      throw new UnsupportedError('illegal_argument_exception', `alias parameter [${key}]`);
    throw parsingException(`[alias] unknown field [${key}]`);
  }
  const filter = spec['filter'];
  if (filter !== undefined && !isObject(filter)) throw parsingException(`[alias] filter must be an object`);
  if (filter !== undefined) compile(parseQuery(filter), index);
  const isWriteIndex = spec['is_write_index'];
  if (isWriteIndex !== undefined && typeof isWriteIndex !== 'boolean') throw parsingException('[is_write_index] must be a boolean');
  return { filter, isWriteIndex };
}

/** Sets an alias on an index. @throws illegal_state_exception when the alias would get two write indices */
export function setAlias(ctx: Context, index: IndexState, alias: string, meta: AliasMetadata): void {
  index.aliases.set(alias, meta);
  const writers = ctx.cluster.aliasIndices(alias).filter((target) => target.aliases.get(alias)?.isWriteIndex === true);
  if (writers.length > 1) {
    throw new OpenSearchError(500, 'illegal_state_exception', `alias [${alias}] has more than one write index [${writers.map((w) => w.name).join(',')}]`);
  }
}

/** An index's aliases as GET shows them (`{}` for an alias with neither filter nor write flag). */
export function renderAliases(index: IndexState, names?: (alias: string) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [alias, meta] of [...index.aliases.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (names !== undefined && !names(alias)) continue;
    out[alias] = {
      ...(meta.filter === undefined ? {} : { filter: meta.filter }),
      ...(meta.isWriteIndex === undefined ? {} : { is_write_index: meta.isWriteIndex }),
    };
  }
  return out;
}

function names(spec: JsonObject, one: string, many: string): string[] {
  const single = spec[one];
  const list = spec[many];
  if (typeof single === 'string') return [single];
  if (Array.isArray(list)) return list.map(String);
  if (typeof list === 'string') return [list];
  return [];
}

function applyAction(ctx: Context, action: Json): void {
  if (!isObject(action) || Object.keys(action).length !== 1)
    throw parsingException('[aliases] each action must be an object with one of [add], [remove], [remove_index]');
  const [kind, spec] = Object.entries(action)[0] as [string, Json];
  if (kind === 'remove_index') throw new UnsupportedError('illegal_argument_exception', '[remove_index] alias action');
  if (kind !== 'add' && kind !== 'remove') throw parsingException(`[aliases] unknown action [${kind}]`);
  if (!isObject(spec)) throw parsingException(`[${kind}] must be an object`);
  const indexNames = names(spec, 'index', 'indices');
  const aliasNames = names(spec, 'alias', 'aliases');
  const problems = [
    ...(indexNames.length === 0 ? ['One of [index] or [indices] is required'] : []),
    ...(aliasNames.length === 0 ? ['One of [alias] or [aliases] is required'] : []),
  ];
  if (problems.length > 0) throw validationFailed(problems);
  const indices = indexNames.flatMap((expression) => ctx.cluster.resolveConcrete(expression));
  if (kind === 'add') {
    const { index: _i, indices: _is, alias: _a, aliases: _as, ...rest } = spec;
    for (const alias of aliasNames) {
      if (ctx.cluster.indices.has(alias)) {
        throw new OpenSearchError(
          400,
          'invalid_alias_name_exception',
          `Invalid alias name [${alias}]: an index or data stream exists with the same name as the alias`,
        );
      }
      for (const index of indices) setAlias(ctx, index, alias, parseAliasSpec(alias, rest, index));
    }
    return;
  }
  for (const key of Object.keys(spec)) {
    if (!['index', 'indices', 'alias', 'aliases', 'must_exist'].includes(key)) throw parsingException(`[remove] unknown field [${key}]`);
  }
  for (const index of indices) {
    for (const alias of aliasNames) {
      const pattern = globToRegExp(alias);
      const matched = [...index.aliases.keys()].filter((name) => pattern.test(name));
      if (matched.length === 0 && spec['must_exist'] !== false) {
        throw new OpenSearchError(404, 'aliases_not_found_exception', `aliases [${alias}] missing`, { 'resource.type': 'aliases', 'resource.id': alias });
      }
      for (const name of matched) index.aliases.delete(name);
    }
  }
}

export function updateAliasesHandler(ctx: Context): Reply {
  const body = ctx.requiredJson();
  const actions = isObject(body) ? body['actions'] : undefined;
  if (!Array.isArray(actions)) throw validationFailed(['No action specified']);
  if (actions.length === 0) throw validationFailed(['No action specified']);
  // All or nothing: put every alias map back if any action fails.
  const saved = new Map([...ctx.cluster.indices.values()].map((index) => [index, new Map(index.aliases)] as const));
  try {
    for (const action of actions) applyAction(ctx, action);
  } catch (error) {
    for (const [index, aliases] of saved) {
      index.aliases.clear();
      for (const [name, meta] of aliases) index.aliases.set(name, meta);
    }
    throw error;
  }
  return reply(200, { acknowledged: true });
}

/** `GET /_alias[/{name}]`, `GET /{index}/_alias[/{name}]` (and HEAD): RestGetAliasesAction's answers, its odd 404 body included. */
export function getAliasHandler(ctx: Context, params: Readonly<Record<string, string>>): Reply {
  const indices = params['index'] === undefined ? [...ctx.cluster.indices.values()] : ctx.cluster.resolveConcrete(params['index']);
  const requested = params['name'] === undefined ? undefined : params['name'].split(',');
  const patterns = requested?.map((name) => (name === '_all' ? globToRegExp('*') : globToRegExp(name)));
  const wanted = patterns === undefined ? undefined : (alias: string) => patterns.some((pattern) => pattern.test(alias));
  const out: Record<string, unknown> = {};
  const found = new Set<string>();
  for (const index of [...indices].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const aliases = renderAliases(index, wanted);
    Object.keys(aliases).forEach((alias) => found.add(alias));
    if (wanted === undefined || Object.keys(aliases).length > 0) out[index.name] = { aliases };
  }
  const missing = (requested ?? []).filter((name) => !name.includes('*') && name !== '_all' && !found.has(name));
  if (ctx.request.method === 'HEAD') return reply(missing.length === 0 && (requested === undefined || found.size > 0) ? 200 : 404);
  if (missing.length === 0) return reply(200, out);
  const error = missing.length === 1 ? `alias [${missing[0]}] missing` : `aliases [${missing.join(',')}] missing`;
  return reply(404, { error, status: 404, ...out });
}
