import { type Context, reply, type Reply } from './context';
import { type StoredDoc } from './engine';
import { illegalArgument, OpenSearchError, parsingException, searchPhaseFailure, UnsupportedError } from './errors';
import { isObject, type Json, type JsonObject } from './json';
import { resolveField } from './mappings';
import { compile, type Matcher } from './query';
import { parseQuery, type Query } from './query-dsl';
import { type IndexState, type ReadTarget } from './registry';
import { filterSource, parseSourceFilter, type SourceFilter } from './source-filter';

/**
 * `_search` and `_count` over an index, alias (its filter AND-ed), comma list or glob, on what
 * the last refresh made searchable. Paging (`from`, `size`), sorting on keyword, numeric, date and
 * boolean fields, `track_total_hits`, `_source` filtering, `version` and `seq_no_primary_term`.
 */
export const SEARCH_PARAMS = [
  'size',
  'from',
  'track_total_hits',
  'rest_total_hits_as_int',
  'seq_no_primary_term',
  'version',
  'track_scores',
  'timeout',
  'typed_keys',
  'preference',
  'routing',
  'request_cache',
  'allow_partial_search_results',
  'ccs_minimize_roundtrips',
  'batched_reduce_size',
  'max_concurrent_shard_requests',
  'pre_filter_shard_size',
  'search_type',
];
export const SEARCH_UNSUPPORTED_PARAMS = [
  'q',
  'df',
  'analyzer',
  'default_operator',
  'lenient',
  'sort',
  '_source',
  '_source_includes',
  '_source_excludes',
  'stored_fields',
  'docvalue_fields',
  'scroll',
  'ignore_unavailable',
  'allow_no_indices',
  'expand_wildcards',
  'explain',
  'terminate_after',
  'stats',
  'suggest_field',
  'search_pipeline',
  'phase_took',
];

const BODY_KEYS = new Set(['query', 'size', 'from', 'sort', 'track_total_hits', '_source', 'seq_no_primary_term', 'version', 'timeout', 'track_scores']);
const BODY_UNSUPPORTED = new Set([
  'aggs',
  'aggregations',
  'highlight',
  'suggest',
  'collapse',
  'search_after',
  'pit',
  'script_fields',
  'docvalue_fields',
  'stored_fields',
  'fields',
  'post_filter',
  'min_score',
  'rescore',
  'ext',
  'indices_boost',
  'profile',
  'terminate_after',
  'stats',
  'slice',
  'explain',
  'derived',
  'search_pipeline',
]);

interface SortKey {
  readonly field: string;
  readonly descending: boolean;
  readonly missingFirst: boolean;
  readonly mode: 'min' | 'max' | undefined;
}

interface Hit {
  readonly index: IndexState;
  readonly doc: StoredDoc;
  readonly score: number;
  readonly order: number;
  sortValues?: (string | number | null)[];
}

const number = (name: string, value: Json | undefined): number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw parsingException(`[${name}] must be an integer, found [${String(value)}]`);
};

function parseSort(value: Json | undefined): SortKey[] {
  if (value === undefined) return [];
  const entries = Array.isArray(value) ? value : [value];
  return entries.map((entry): SortKey => {
    if (typeof entry === 'string') return { field: entry, descending: entry === '_score', missingFirst: false, mode: undefined };
    if (!isObject(entry) || Object.keys(entry).length !== 1) throw parsingException('[sort] malformed, expected a field name or {field: order}');
    const [field, spec] = Object.entries(entry)[0] as [string, Json];
    if (field === '_script' || field === '_geo_distance') throw new UnsupportedError('parsing_exception', `[sort] on [${field}]`);
    const parseOrder = (order: Json | undefined): boolean => {
      if (order === undefined) return field === '_score';
      if (order === 'asc' || order === 'desc') return order === 'desc';
      throw illegalArgument(`Unknown SortOrder [${String(order)}]`);
    };
    if (!isObject(spec)) return { field, descending: parseOrder(spec), missingFirst: false, mode: undefined };
    for (const key of Object.keys(spec)) {
      if (!['order', 'missing', 'mode'].includes(key)) throw new UnsupportedError('parsing_exception', `[sort] option [${key}]`);
    }
    const missing = spec['missing'];
    if (missing !== undefined && missing !== '_last' && missing !== '_first')
      throw new UnsupportedError('parsing_exception', `[sort] missing value [${String(missing)}]`);
    const mode = spec['mode'];
    if (mode !== undefined && mode !== 'min' && mode !== 'max') throw new UnsupportedError('parsing_exception', `[sort] mode [${String(mode)}]`);
    return { field, descending: parseOrder(spec['order']), missingFirst: missing === '_first', mode };
  });
}

/** Checks a sort field is sortable in an index (FieldSortBuilder#build). */
function checkSortable(key: SortKey, index: IndexState): void {
  if (key.field === '_score' || key.field === '_doc' || key.field === '_id' || key.field === '_index') return;
  const resolved = resolveField(index.fields, key.field);
  const shardFailure = (error: OpenSearchError) => searchPhaseFailure(index.name, error);
  if (resolved === undefined) {
    throw shardFailure(
      new OpenSearchError(400, 'query_shard_exception', `No mapping found for [${key.field}] in order to sort on`, {
        index: index.name,
        index_uuid: index.uuid,
      }),
    );
  }
  if (resolved.mapper.type === 'text') {
    throw shardFailure(
      illegalArgument(
        `Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [${key.field}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.`,
      ),
    );
  }
}

function sortValue(key: SortKey, hit: Hit): string | number | null {
  if (key.field === '_score') return hit.score;
  if (key.field === '_doc') return hit.order;
  if (key.field === '_id') return hit.doc.id;
  if (key.field === '_index') return hit.index.name;
  const resolved = resolveField(hit.index.fields, key.field);
  const values = (resolved === undefined ? [] : (hit.doc.indexed.get(resolved.path) ?? [])).map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
  if (values.length === 0) return null;
  const pickMax = key.mode === 'max' || (key.mode === undefined && key.descending);
  return values.reduce((best, v) => ((pickMax ? v > best : v < best) ? v : best));
}

function compareHits(keys: readonly SortKey[], a: Hit, b: Hit): number {
  for (const [i, key] of keys.entries()) {
    const x = a.sortValues?.[i] ?? null;
    const y = b.sortValues?.[i] ?? null;
    if (x === y) continue;
    // Missing values go last in either order unless `missing: _first` (SortField#setMissingValue).
    if (x === null) return key.missingFirst ? -1 : 1;
    if (y === null) return key.missingFirst ? 1 : -1;
    const order = x < y ? -1 : 1;
    return key.descending ? -order : order;
  }
  return a.order - b.order;
}

/** The documents of each target that match the query and the target's alias filters, with their scores. */
function collect(targets: readonly ReadTarget[], query: Query): Hit[] {
  const hits: Hit[] = [];
  let order = 0;
  for (const target of targets) {
    let matcher: Matcher;
    let filters: Matcher[];
    try {
      matcher = compile(query, target.index);
      filters = (target.filters ?? []).map((filter) => compile(parseQuery(filter), target.index));
    } catch (error) {
      if (error instanceof OpenSearchError && error.type === 'query_shard_exception') throw searchPhaseFailure(target.index.name, error);
      throw error;
    }
    const settings = target.index.settings;
    const view = target.index.store.searchView(settings.timeMs('index.refresh_interval'), settings.isSet('index.refresh_interval'));
    for (const doc of view) {
      order++;
      if (filters.length > 0 && filters.every((filter) => filter(doc) === undefined)) continue;
      const score = matcher(doc);
      if (score !== undefined) hits.push({ index: target.index, doc, score, order });
    }
  }
  return hits;
}

function shards(targets: readonly ReadTarget[]) {
  const total = targets.reduce((sum, target) => sum + Number(target.index.settings.get('index.number_of_shards')), 0);
  return { total, successful: total, skipped: 0, failed: 0 };
}

function trackTotalHits(ctx: Context, body: JsonObject): number | boolean {
  const param = ctx.param('track_total_hits');
  const value: Json | undefined = param === undefined ? body['track_total_hits'] : param === 'true' || param === 'false' ? param === 'true' : Number(param);
  if (value === undefined) return 10_000;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= -1) return value === -1 ? true : value;
  throw illegalArgument(`[track_total_hits] parameter must be positive or equals to -1, got ${String(value)}`);
}

export function searchHandler(ctx: Context, params: Readonly<Record<string, string>>): Reply {
  const started = process.hrtime.bigint();
  const targets = ctx.cluster.resolveRead(params['index'] ?? '_all');
  const raw = ctx.json() ?? {};
  if (!isObject(raw)) throw parsingException('Expected [START_OBJECT] but found [START_ARRAY]');
  for (const key of Object.keys(raw)) {
    if (BODY_UNSUPPORTED.has(key)) throw new UnsupportedError('parsing_exception', `search request key [${key}]`);
    if (!BODY_KEYS.has(key)) throw new UnsupportedError('parsing_exception', `Unknown key for a START_OBJECT in [${key}].`);
  }
  const query = parseQuery(raw['query'] ?? { match_all: {} });
  const size = ctx.integer('size') ?? number('size', raw['size']) ?? 10;
  const from = ctx.integer('from') ?? number('from', raw['from']) ?? 0;
  if (size < 0) throw illegalArgument(`[size] parameter cannot be negative, found [${size}]`);
  if (from < 0) throw illegalArgument(`[from] parameter cannot be negative, found [${from}]`);
  for (const target of targets) {
    const window = Number(target.index.settings.get('index.max_result_window'));
    if (from + size > window) {
      throw searchPhaseFailure(
        target.index.name,
        illegalArgument(
          `Result window is too large, from + size must be less than or equal to: [${window}] but was [${from + size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.`,
        ),
      );
    }
  }
  const sort = parseSort(raw['sort']);
  for (const key of sort) for (const target of targets) checkSortable(key, target.index);
  const source: SourceFilter = parseSourceFilter(raw['_source']);
  const withVersion = ctx.flag('version', raw['version'] === true);
  const withSeqNo = ctx.flag('seq_no_primary_term', raw['seq_no_primary_term'] === true);
  const scoresShown = sort.length === 0 || sort.some((key) => key.field === '_score') || ctx.flag('track_scores', raw['track_scores'] === true);

  const hits = collect(targets, query);
  const keys = sort.length > 0 ? sort : [{ field: '_score', descending: true, missingFirst: false, mode: undefined }];
  for (const hit of hits) hit.sortValues = keys.map((key) => sortValue(key, hit));
  hits.sort((a, b) => compareHits(keys, a, b));

  const track = trackTotalHits(ctx, raw);
  const asInt = ctx.flag('rest_total_hits_as_int');
  const total =
    track === true
      ? { value: hits.length, relation: 'eq' }
      : track === false
        ? undefined
        : { value: Math.min(hits.length, track), relation: hits.length > track ? 'gte' : 'eq' };
  // No top hits collected (size 0) or sorted by something else: OpenSearch shows no max_score.
  const maxScore = scoresShown && size > 0 && hits.length > 0 ? Math.max(...hits.map((hit) => hit.score)) : null;
  const page = hits.slice(from, from + size).map((hit) => ({
    _index: hit.index.name,
    _id: hit.doc.id,
    ...(withVersion ? { _version: hit.doc.version } : {}),
    ...(withSeqNo ? { _seq_no: hit.doc.seqNo, _primary_term: hit.doc.primaryTerm } : {}),
    _score: scoresShown ? hit.score : null,
    ...(source === false ? {} : { _source: filterSource(hit.doc.source, source) }),
    ...(sort.length > 0 ? { sort: hit.sortValues } : {}),
  }));
  return reply(200, {
    took: Number((process.hrtime.bigint() - started) / 1_000_000n),
    timed_out: false,
    _shards: shards(targets),
    hits: {
      ...(total === undefined ? {} : { total: asInt ? total.value : total }),
      max_score: maxScore,
      hits: page,
    },
  });
}

export function countHandler(ctx: Context, params: Readonly<Record<string, string>>): Reply {
  const targets = ctx.cluster.resolveRead(params['index'] ?? '_all');
  const raw = ctx.json() ?? {};
  if (!isObject(raw)) throw parsingException('Expected [START_OBJECT] but found [START_ARRAY]');
  for (const key of Object.keys(raw)) if (key !== 'query') throw parsingException(`request does not support [${key}]`);
  const hits = collect(targets, parseQuery(raw['query'] ?? { match_all: {} }));
  return reply(200, { count: hits.length, _shards: shards(targets) });
}
