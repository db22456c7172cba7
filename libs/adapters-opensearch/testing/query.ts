import { analyze, DEFAULT_DATE_FORMAT, parseDate } from './analysis';
import { type IndexedValue } from './document';
import { type StoredDoc } from './engine';
import { OpenSearchError, shardMetadata, UnsupportedError } from './errors';
import { type Json } from './json';
import { type FieldMapper, NUMERIC_TYPES, resolveField } from './mappings';
import { type Query } from './query-dsl';
import { type IndexState } from './registry';

/**
 * Evaluates a parsed query on one index's documents. Matching follows each field's mapped type
 * (MappedFieldType#termQuery and friends); an unmapped field matches nothing. Scores are not BM25:
 * a matching scoring clause counts its boost (1 by default), filter context counts 0.
 */

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
