import { parsingException, UnsupportedError } from './errors';
import { isObject, type Json, type JsonObject } from './json';

/**
 * The query DSL subset the test server answers: match_all, match_none, term, terms, ids, match,
 * exists, range, bool, constant_score, parsed strictly: any other query, or a parameter of these
 * it does not implement, is refused (parsing_exception) and recorded as unsupported.
 */
export type Query =
  | { readonly kind: 'match_all'; readonly boost: number }
  | { readonly kind: 'match_none' }
  | { readonly kind: 'term'; readonly field: string; readonly values: readonly Json[]; readonly caseInsensitive: boolean; readonly boost: number }
  | { readonly kind: 'ids'; readonly ids: readonly string[]; readonly boost: number }
  | {
      readonly kind: 'match';
      readonly field: string;
      readonly query: Json;
      readonly and: boolean;
      readonly lenient: boolean;
      readonly zeroTermsAll: boolean;
      readonly boost: number;
    }
  | { readonly kind: 'exists'; readonly field: string; readonly boost: number }
  | {
      readonly kind: 'range';
      readonly field: string;
      readonly bounds: Readonly<Partial<Record<'gt' | 'gte' | 'lt' | 'lte', Json>>>;
      readonly format: string | undefined;
      readonly boost: number;
    }
  | {
      readonly kind: 'bool';
      readonly must: readonly Query[];
      readonly filter: readonly Query[];
      readonly should: readonly Query[];
      readonly mustNot: readonly Query[];
      readonly minimumShouldMatch: Json | undefined;
      readonly boost: number;
    }
  | { readonly kind: 'constant_score'; readonly filter: Query; readonly boost: number };

/** Real OpenSearch queries the test server does not implement. */
const KNOWN_QUERIES = new Set([
  'wildcard',
  'prefix',
  'regexp',
  'fuzzy',
  'match_phrase',
  'match_phrase_prefix',
  'match_bool_prefix',
  'multi_match',
  'combined_fields',
  'query_string',
  'simple_query_string',
  'nested',
  'has_child',
  'has_parent',
  'parent_id',
  'geo_distance',
  'geo_bounding_box',
  'geo_polygon',
  'geo_shape',
  'script',
  'script_score',
  'function_score',
  'dis_max',
  'boosting',
  'more_like_this',
  'terms_set',
  'intervals',
  'wrapper',
  'distance_feature',
  'rank_feature',
  'knn',
  'neural',
  'hybrid',
  'percolate',
  'span_term',
  'span_near',
  'span_or',
  'span_not',
  'span_first',
  'span_multi',
  'span_containing',
  'span_within',
  'field_masking_span',
  'template',
  'pinned',
]);

function only(kind: string, body: JsonObject, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw new UnsupportedError('parsing_exception', `[${kind}] query parameter [${key}]`);
  }
}

function boostOf(kind: string, value: Json | undefined): number {
  if (value === undefined) return 1;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw parsingException(`[${kind}] query does not support [boost] with value [${String(value)}]`);
}

/** The single `{field: value}` entry of a field-level query. */
function singleField(kind: string, body: JsonObject, skip: readonly string[] = ['boost', '_name']): [string, Json] {
  const entries = Object.entries(body).filter(([key]) => !skip.includes(key));
  if (entries.length === 0) throw parsingException(`[${kind}] query doesn't support an empty field`);
  if (entries.length > 1) throw parsingException(`[${kind}] query doesn't support multiple fields, found [${entries[0]?.[0]}] and [${entries[1]?.[0]}]`);
  return entries[0] as [string, Json];
}

function clauses(kind: string, value: Json | undefined): Query[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((clause) => parseQuery(clause));
  if (isObject(value)) return [parseQuery(value)];
  throw parsingException(`[${kind}] query malformed, no start_object after query name`);
}

/** @throws parsing_exception for malformed or unsupported queries (UnsupportedError for the latter) */
export function parseQuery(json: Json): Query {
  if (!isObject(json)) throw parsingException('[_na] query malformed, must start with start_object');
  const names = Object.keys(json);
  if (names.length === 0) throw parsingException('query malformed, empty clause found');
  if (names.length > 1) throw parsingException(`[${names[0]}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]`);
  const kind = names[0] ?? '';
  const body = json[kind] ?? null;
  if (KNOWN_QUERIES.has(kind)) throw new UnsupportedError('parsing_exception', `[${kind}] query`);
  if (!isObject(body)) {
    if (kind in PARSERS) throw parsingException(`[${kind}] query malformed, no start_object after query name`);
    throw new UnsupportedError('parsing_exception', `unknown query [${kind}]`);
  }
  const parser = PARSERS[kind];
  if (parser === undefined) throw new UnsupportedError('parsing_exception', `unknown query [${kind}]`);
  return parser(body);
}

const PARSERS: Readonly<Record<string, (body: JsonObject) => Query>> = {
  match_all: (body) => {
    only('match_all', body, ['boost', '_name']);
    return { kind: 'match_all', boost: boostOf('match_all', body['boost']) };
  },
  match_none: (body) => {
    only('match_none', body, ['_name']);
    return { kind: 'match_none' };
  },
  term: (body) => {
    const [field, spec] = singleField('term', body);
    if (Array.isArray(spec)) throw parsingException('[term] query does not support array of values');
    if (!isObject(spec)) return { kind: 'term', field, values: [spec], caseInsensitive: false, boost: 1 };
    only('term', spec, ['value', 'boost', 'case_insensitive', '_name']);
    const value = spec['value'];
    if (value === undefined || isObject(value) || Array.isArray(value)) throw parsingException('[term] query requires a scalar [value]');
    return { kind: 'term', field, values: [value], caseInsensitive: spec['case_insensitive'] === true, boost: boostOf('term', spec['boost']) };
  },
  terms: (body) => {
    const [field, values] = singleField('terms', body);
    if (isObject(values)) throw new UnsupportedError('parsing_exception', '[terms] lookup');
    if (!Array.isArray(values)) throw parsingException(`[terms] query does not support [${field}]`);
    if (values.some((value) => isObject(value) || Array.isArray(value))) throw parsingException('[terms] query values must be scalars');
    return { kind: 'term', field, values, caseInsensitive: false, boost: boostOf('terms', body['boost']) };
  },
  ids: (body) => {
    only('ids', body, ['values', 'boost', '_name']);
    const values = body['values'] ?? [];
    if (!Array.isArray(values)) throw parsingException('[ids] query malformed, [values] must be an array');
    return { kind: 'ids', ids: values.map(String), boost: boostOf('ids', body['boost']) };
  },
  match: (body) => {
    const [field, spec] = singleField('match', body, []);
    if (!isObject(spec)) {
      if (Array.isArray(spec)) throw parsingException(`[match] unknown token [START_ARRAY] after [${field}]`);
      return { kind: 'match', field, query: spec, and: false, lenient: false, zeroTermsAll: false, boost: 1 };
    }
    only('match', spec, ['query', 'operator', 'boost', 'lenient', 'zero_terms_query', '_name']);
    const operator = String(spec['operator'] ?? 'or').toLowerCase();
    if (operator !== 'or' && operator !== 'and') throw parsingException(`[match] query does not support operator [${operator}]`);
    const query = spec['query'];
    if (query === undefined || isObject(query) || Array.isArray(query)) throw parsingException(`[match] requires query value`);
    const zeroTerms = String(spec['zero_terms_query'] ?? 'none').toLowerCase();
    if (zeroTerms !== 'none' && zeroTerms !== 'all') throw parsingException(`Unsupported zero_terms_query value [${zeroTerms}]`);
    return {
      kind: 'match',
      field,
      query,
      and: operator === 'and',
      lenient: spec['lenient'] === true,
      zeroTermsAll: zeroTerms === 'all',
      boost: boostOf('match', spec['boost']),
    };
  },
  exists: (body) => {
    only('exists', body, ['field', 'boost', '_name']);
    const field = body['field'];
    if (typeof field !== 'string') throw parsingException('[exists] must be provided with a [field]');
    return { kind: 'exists', field, boost: boostOf('exists', body['boost']) };
  },
  range: (body) => {
    const [field, spec] = singleField('range', body, []);
    if (!isObject(spec)) throw parsingException(`[range] query malformed, after field missing start object`);
    only('range', spec, ['gt', 'gte', 'lt', 'lte', 'format', 'boost', '_name']);
    const bounds: Partial<Record<'gt' | 'gte' | 'lt' | 'lte', Json>> = {};
    for (const key of ['gt', 'gte', 'lt', 'lte'] as const) {
      const bound = spec[key];
      if (bound === undefined || bound === null) continue;
      if (typeof bound === 'string' && /^now/.test(bound)) throw new UnsupportedError('parsing_exception', `[range] date math [${bound}]`);
      bounds[key] = bound;
    }
    const format = spec['format'];
    return { kind: 'range', field, bounds, format: typeof format === 'string' ? format : undefined, boost: boostOf('range', spec['boost']) };
  },
  bool: (body) => {
    only('bool', body, ['must', 'filter', 'should', 'must_not', 'minimum_should_match', 'boost', '_name', 'adjust_pure_negative']);
    return {
      kind: 'bool',
      must: clauses('bool', body['must']),
      filter: clauses('bool', body['filter']),
      should: clauses('bool', body['should']),
      mustNot: clauses('bool', body['must_not']),
      minimumShouldMatch: body['minimum_should_match'],
      boost: boostOf('bool', body['boost']),
    };
  },
  constant_score: (body) => {
    only('constant_score', body, ['filter', 'boost', '_name']);
    const filter = body['filter'];
    if (filter === undefined) throw parsingException("[constant_score] requires a 'filter' element");
    return { kind: 'constant_score', filter: parseQuery(filter), boost: boostOf('constant_score', body['boost']) };
  },
};
