import { parsingException } from './errors';
import { globToRegExp } from './glob';
import { isObject, type Json, type JsonObject } from './json';

/**
 * `_source` filtering of search hits (FetchSourceContext): `false` drops the source, a pattern or
 * list of patterns keeps only matching paths, `{includes, excludes}` does both. A pattern is a
 * dotted path with `*` wildcards; naming an object keeps everything under it.
 */
export type SourceFilter = false | { readonly includes: readonly RegExp[]; readonly excludes: readonly RegExp[] };

function patterns(value: Json | undefined): RegExp[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  if (list.some((entry) => typeof entry !== 'string')) throw parsingException('[_source] patterns must be strings');
  return (list as string[]).map(globToRegExp);
}

export function parseSourceFilter(value: Json | undefined): SourceFilter {
  if (value === undefined || value === true) return { includes: [], excludes: [] };
  if (value === false) return false;
  if (isObject(value)) {
    for (const key of Object.keys(value)) if (key !== 'includes' && key !== 'excludes') throw parsingException(`[_source] does not support [${key}]`);
    return { includes: patterns(value['includes']), excludes: patterns(value['excludes']) };
  }
  return { includes: patterns(value), excludes: [] };
}

/** True when the path or one of its parent objects matches a pattern. */
function covers(list: readonly RegExp[], path: string): boolean {
  const parts = path.split('.');
  return parts.some((_, i) => list.some((pattern) => pattern.test(parts.slice(0, i + 1).join('.'))));
}

export function filterSource(source: JsonObject, filter: SourceFilter): JsonObject {
  if (filter === false) return {};
  if (filter.includes.length === 0 && filter.excludes.length === 0) return source;
  return filterObject(source, '', filter);
}

function filterObject(object: JsonObject, prefix: string, filter: Exclude<SourceFilter, false>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const kept = filterValue(value, path, filter);
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}

function filterValue(value: Json, path: string, filter: Exclude<SourceFilter, false>): Json | undefined {
  if (covers(filter.excludes, path)) return undefined;
  if (isObject(value)) {
    const inner = filterObject(value, path, filter);
    return Object.keys(inner).length > 0 || (covers(filter.includes, path) && Object.keys(value).length === 0) ? inner : undefined;
  }
  if (Array.isArray(value)) {
    const kept = value.map((element) => filterValue(element, path, filter)).filter((element): element is Json => element !== undefined);
    return kept.length > 0 ? kept : undefined;
  }
  return filter.includes.length === 0 || covers(filter.includes, path) ? value : undefined;
}
