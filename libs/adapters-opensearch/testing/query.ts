import { analyze, DEFAULT_DATE_FORMAT, parseDate } from './analysis';
import { type IndexedValue } from './document';
import { type StoredDoc } from './engine';
import { OpenSearchError, parsingException, shardMetadata, UnsupportedError } from './errors';
import { isObject, type Json, type JsonObject } from './json';
import { type FieldMapper, NUMERIC_TYPES, resolveField } from './mappings';
import { type IndexState } from './registry';

/**
 * The query DSL subset the test server answers: match_all, match_none, term, terms, ids, match,
 * exists, range, bool, constant_score. Parsing is strict: any other query, or a parameter of
 * these it does not implement, is refused (parsing_exception) and recorded as unsupported.
 * Matching follows the field's mapped type; an unmapped field matches nothing. Scores are not
 * BM25: a matching scoring clause counts its boost (1 by default), filter context counts 0.
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

/** A compiled query: the score of a matching document, undefined when it does not match. */
export type Matcher = (doc: StoredDoc) => number | undefined;

/** Queries::calculateMinShouldMatch: an integer, a negative one, or a percentage of the optional clauses. */
function minimumShouldMatch(spec: Json | undefined, optional: number, defaultValue: number): number {
  if (spec === undefined || spec === null) return defaultValue;
  const text = String(spec).trim();
  const match = /^(-?\d+)(%?)$/.exec(text);
  if (match === null) throw new UnsupportedError('parsing_exception', `[bool] minimum_should_match [${text}]`);
  const amount = Number(match[1]);
  const count = match[2] === '%' ? Math.trunc((optional * amount) / 100) : amount;
  const result = count < 0 ? optional + count : count;
  return Math.max(0, result);
}

/** Compiles a parsed query against one index's mapping. @throws query_shard_exception for a value its field cannot take */
export function compile(query: Query, index: IndexState): Matcher {
  const fail = (reason: string) =>
    new OpenSearchError(400, 'query_shard_exception', `failed to create query: ${reason}`, shardMetadata(index.name, index.uuid));
  switch (query.kind) {
    case 'match_all':
      return () => query.boost;
    case 'match_none':
      return () => undefined;
    case 'ids': {
      const ids = new Set(query.ids);
      return (doc) => (ids.has(doc.id) ? query.boost : undefined);
    }
    case 'term':
      return termMatcher(index, query.field, query.values, query.caseInsensitive, query.boost, fail);
    case 'match': {
      const field = resolve(index, query.field);
      // On anything but a text field, match is a term query (the keyword analyzer keeps the value whole).
      if (field?.mapper.type !== 'text') {
        try {
          return termMatcher(index, query.field, [query.query], false, query.boost, fail);
        } catch (error) {
          if (query.lenient) return () => undefined;
          throw error;
        }
      }
      const tokens = analyze(String(query.query));
      if (tokens.length === 0) return query.zeroTermsAll ? () => query.boost : () => undefined;
      return (doc) => {
        const held = new Set(doc.indexed.get(field.path) ?? []);
        const hits = tokens.filter((token) => held.has(token)).length;
        return (query.and ? hits === tokens.length : hits > 0) ? query.boost : undefined;
      };
    }
    case 'exists': {
      const prefix = `${query.field}.`;
      return (doc) => {
        for (const [path, values] of doc.indexed) if ((path === query.field || path.startsWith(prefix)) && values.length > 0) return query.boost;
        return undefined;
      };
    }
    case 'range':
      return rangeMatcher(index, query, fail);
    case 'constant_score': {
      const filter = compile(query.filter, index);
      return (doc) => (filter(doc) === undefined ? undefined : query.boost);
    }
    case 'bool': {
      const must = query.must.map((q) => compile(q, index));
      const filter = query.filter.map((q) => compile(q, index));
      const should = query.should.map((q) => compile(q, index));
      const mustNot = query.mustNot.map((q) => compile(q, index));
      const required = minimumShouldMatch(query.minimumShouldMatch, should.length, should.length > 0 && must.length === 0 && filter.length === 0 ? 1 : 0);
      return (doc) => {
        let score = 0;
        for (const m of must) {
          const s = m(doc);
          if (s === undefined) return undefined;
          score += s;
        }
        if (filter.some((m) => m(doc) === undefined)) return undefined;
        if (mustNot.some((m) => m(doc) !== undefined)) return undefined;
        let matched = 0;
        for (const m of should) {
          const s = m(doc);
          if (s === undefined) continue;
          matched++;
          score += s;
        }
        return matched >= required ? score * query.boost : undefined;
      };
    }
  }
}

function resolve(index: IndexState, field: string) {
  return resolveField(index.fields, field);
}

/**
 * What a query value means for a field (MappedFieldType#termQuery): numbers and dates are parsed,
 * a fraction never equals an integer field's value, a boolean must be true/false.
 */
function normalize(mapper: FieldMapper, value: Json, fail: (reason: string) => Error): IndexedValue | undefined {
  if (mapper.type === 'boolean') {
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw fail(`Can't parse boolean value [${String(value)}], expected [true] or [false]`);
  }
  if (mapper.type === 'date') {
    const format = typeof mapper.params['format'] === 'string' ? mapper.params['format'] : DEFAULT_DATE_FORMAT;
    const millis = typeof value === 'string' || typeof value === 'number' ? parseDate(value, format) : undefined;
    if (millis === undefined) throw fail(`failed to parse date field [${String(value)}] with format [${format}]`);
    return millis;
  }
  if (NUMERIC_TYPES.has(mapper.type)) {
    const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (Number.isNaN(number)) throw fail(`For input string: "${String(value)}"`);
    if (mapper.type === 'float') return Math.fround(number);
    if (mapper.type !== 'double' && !Number.isInteger(number)) return undefined;
    return number;
  }
  return String(value);
}

function termMatcher(
  index: IndexState,
  field: string,
  values: readonly Json[],
  caseInsensitive: boolean,
  boost: number,
  fail: (reason: string) => Error,
): Matcher {
  if (field === '_id') {
    const ids = new Set(values.map(String));
    return (doc) => (ids.has(doc.id) ? boost : undefined);
  }
  if (field === '_index') return values.map(String).includes(index.name) ? () => boost : () => undefined;
  const resolved = resolve(index, field);
  if (resolved === undefined) return () => undefined;
  const { path, mapper } = resolved;
  const wanted = values.map((value) => normalize(mapper, value, fail)).filter((value): value is IndexedValue => value !== undefined);
  const fold = (value: IndexedValue) => (caseInsensitive && typeof value === 'string' ? value.toLowerCase() : value);
  const set = new Set(wanted.map(fold));
  return (doc) => ((doc.indexed.get(path) ?? []).some((value) => set.has(fold(value))) ? boost : undefined);
}

function rangeMatcher(index: IndexState, query: Extract<Query, { kind: 'range' }>, fail: (reason: string) => Error): Matcher {
  const resolved = resolve(index, query.field);
  if (resolved === undefined) return () => undefined;
  const { path, mapper } = resolved;
  const bound = (value: Json): IndexedValue => {
    if (mapper.type === 'date') {
      const format = query.format ?? (typeof mapper.params['format'] === 'string' ? mapper.params['format'] : DEFAULT_DATE_FORMAT);
      const millis = typeof value === 'string' || typeof value === 'number' ? parseDate(value, format) : undefined;
      if (millis === undefined) throw fail(`failed to parse date field [${String(value)}] with format [${format}]`);
      return millis;
    }
    if (NUMERIC_TYPES.has(mapper.type)) {
      const number = typeof value === 'number' ? value : Number(value);
      if (typeof value === 'boolean' || Number.isNaN(number)) throw fail(`For input string: "${String(value)}"`);
      return number;
    }
    return String(value);
  };
  const tests: ((value: IndexedValue) => boolean)[] = [];
  const { gt, gte, lt, lte } = query.bounds;
  if (gt !== undefined)
    tests.push(
      (
        (b) => (v: IndexedValue) =>
          v > b
      )(bound(gt)),
    );
  if (gte !== undefined)
    tests.push(
      (
        (b) => (v: IndexedValue) =>
          v >= b
      )(bound(gte)),
    );
  if (lt !== undefined)
    tests.push(
      (
        (b) => (v: IndexedValue) =>
          v < b
      )(bound(lt)),
    );
  if (lte !== undefined)
    tests.push(
      (
        (b) => (v: IndexedValue) =>
          v <= b
      )(bound(lte)),
    );
  return (doc) => ((doc.indexed.get(path) ?? []).some((value) => typeof value !== 'boolean' && tests.every((test) => test(value))) ? query.boost : undefined);
}
