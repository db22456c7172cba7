import { isSupportedDateFormat } from './analysis';
import { illegalArgument, OpenSearchError, UnsupportedError } from './errors';
import { isObject, type Json, type JsonObject } from './json';

/**
 * An index's mapping as a tree of mappers (ObjectMapper / FieldMapper in OpenSearch), parsed from
 * and rendered back to the JSON of `PUT/GET /{index}/_mapping`, and merged the way
 * MapperService#merge does: additive, a field's type never changes.
 */
export type Dynamic = 'true' | 'false' | 'strict';
export type FieldType = 'keyword' | 'text' | 'long' | 'integer' | 'short' | 'byte' | 'double' | 'float' | 'boolean' | 'date' | 'flat_object';

export interface FieldMapper {
  readonly kind: 'field';
  readonly type: FieldType;
  /** The parameters as given (without `type` and `fields`), in the order given. */
  readonly params: Readonly<Record<string, Json>>;
  /** Multi-fields (`fields`): `title.raw` indexes the same value another way. */
  readonly fields: ReadonlyMap<string, FieldMapper>;
}

export interface ObjectMapper {
  readonly kind: 'object';
  /** Undefined: inherited from the parent object (the root defaults to "true"). */
  readonly dynamic: Dynamic | undefined;
  /** `enabled: false`: the value is kept in `_source` but neither parsed nor indexed. */
  readonly enabled: boolean;
  readonly properties: ReadonlyMap<string, Mapper>;
}

export type Mapper = FieldMapper | ObjectMapper;

export interface RootMapping {
  readonly root: ObjectMapper;
  readonly meta: JsonObject | undefined;
  /** Undefined: not given, so the default (true for dates, false for numbers) and not shown by GET. */
  readonly dateDetection: boolean | undefined;
  readonly numericDetection: boolean | undefined;
}

export const NUMERIC_TYPES: ReadonlySet<FieldType> = new Set(['long', 'integer', 'short', 'byte', 'double', 'float']);

/** Parameters each type implements; `IGNORED` ones are accepted (and kept, so a later change conflicts) because they change nothing the test server models. */
const PARAMS: Readonly<Record<FieldType, readonly string[]>> = {
  keyword: ['index', 'ignore_above'],
  text: ['index', 'analyzer', 'search_analyzer'],
  long: ['index', 'coerce', 'ignore_malformed'],
  integer: ['index', 'coerce', 'ignore_malformed'],
  short: ['index', 'coerce', 'ignore_malformed'],
  byte: ['index', 'coerce', 'ignore_malformed'],
  double: ['index', 'coerce', 'ignore_malformed'],
  float: ['index', 'coerce', 'ignore_malformed'],
  boolean: ['index'],
  date: ['index', 'format', 'ignore_malformed'],
  flat_object: [],
};
const IGNORED = new Set([
  'doc_values',
  'store',
  'meta',
  'norms',
  'index_options',
  'eager_global_ordinals',
  'similarity',
  'term_vector',
  'position_increment_gap',
  'locale',
]);
/** Parameters a later mapping may change (all others must stay as they are). */
const UPDATABLE = new Set(['ignore_above', 'meta', 'search_analyzer']);

/** Real OpenSearch field types the test server does not implement. */
const KNOWN_TYPES = [
  'nested',
  'geo_point',
  'geo_shape',
  'ip',
  'scaled_float',
  'half_float',
  'unsigned_long',
  'date_nanos',
  'binary',
  'integer_range',
  'long_range',
  'float_range',
  'double_range',
  'date_range',
  'ip_range',
  'completion',
  'search_as_you_type',
  'token_count',
  'alias',
  'join',
  'knn_vector',
  'match_only_text',
  'wildcard',
  'constant_keyword',
  'rank_feature',
  'rank_features',
  'percolator',
  'derived',
  'star_tree',
];

const ROOT_KEYS_UNSUPPORTED = new Set(['runtime', 'derived', '_field_names', '_size', 'dynamic_date_formats', 'composite']);

const mapperParsing = (reason: string) => new OpenSearchError(400, 'mapper_parsing_exception', reason);

export function emptyMapping(): RootMapping {
  return {
    root: { kind: 'object', dynamic: undefined, enabled: true, properties: new Map() },
    meta: undefined,
    dateDetection: undefined,
    numericDetection: undefined,
  };
}

function parseDynamic(value: Json | undefined, path: string): Dynamic | undefined {
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return 'true';
  if (value === false || value === 'false') return 'false';
  if (value === 'strict') return 'strict';
  if (value === 'runtime' || value === 'strict_allow_templates')
    throw new UnsupportedError('mapper_parsing_exception', `[dynamic] value [${String(value)}] on [${path}]`);
  throw mapperParsing(`Could not convert [${path}.dynamic] to boolean`);
}

/**
 * Parses a root mapping (`mappings` of a create-index body, or a put-mapping body).
 * @throws OpenSearchError (mapper_parsing_exception) or UnsupportedError
 */
export function parseMapping(input: unknown): RootMapping {
  if (input === undefined || input === null) return emptyMapping();
  if (!isObject(input)) throw mapperParsing('Failed to parse mapping: mapping must be an object');
  const unknown: string[] = [];
  let meta: JsonObject | undefined;
  let dateDetection: boolean | undefined;
  let numericDetection: boolean | undefined;
  for (const [key, value] of Object.entries(input)) {
    if (key === 'properties' || key === 'dynamic') continue;
    if (key === '_meta') {
      if (!isObject(value)) throw mapperParsing('[_meta] must be an object');
      meta = value;
    } else if (key === 'date_detection') dateDetection = value === true || value === 'true';
    else if (key === 'numeric_detection') numericDetection = value === true || value === 'true';
    else if (key === '_source') {
      if (!isObject(value) || Object.entries(value).some(([k, v]) => !(k === 'enabled' && (v === true || v === 'true'))))
        throw new UnsupportedError('mapper_parsing_exception', '[_source] other than {"enabled": true}');
    } else if (key === '_routing') {
      if (!isObject(value) || value['required'] === true) throw new UnsupportedError('mapper_parsing_exception', '[_routing] required');
    } else if (key === 'dynamic_templates') {
      if (!Array.isArray(value) || value.length > 0) throw new UnsupportedError('mapper_parsing_exception', '[dynamic_templates]');
    } else if (ROOT_KEYS_UNSUPPORTED.has(key)) throw new UnsupportedError('mapper_parsing_exception', `root mapping parameter [${key}]`);
    else unknown.push(`${key} : ${JSON.stringify(value)}`);
  }
  // MapperService's message for anything else at the root, a `_doc` type wrapper included.
  if (unknown.length > 0) throw mapperParsing(`Root mapping definition has unsupported parameters:  [${unknown.join('] [')}]`);
  const root: ObjectMapper = {
    kind: 'object',
    dynamic: parseDynamic(input['dynamic'], '_doc'),
    enabled: true,
    properties: parseProperties(input['properties'], ''),
  };
  return { root, meta, dateDetection, numericDetection };
}

function parseProperties(input: Json | undefined, parentPath: string): Map<string, Mapper> {
  const properties = new Map<string, Mapper>();
  if (input === undefined) return properties;
  if (!isObject(input)) throw mapperParsing(`Expected map for property [properties] on field [${parentPath || '_doc'}] but got a class ${typeof input}`);
  for (const [name, definition] of Object.entries(input)) {
    if (name.trim() === '') throw mapperParsing('field name cannot be an empty string');
    // A dotted name is an object path: {"a.b": {...}} maps `b` inside object `a`.
    const [head = name, ...rest] = name.split('.');
    const path = parentPath === '' ? head : `${parentPath}.${head}`;
    const mapper: Mapper =
      rest.length > 0
        ? { kind: 'object', dynamic: undefined, enabled: true, properties: parseProperties({ [rest.join('.')]: definition }, path) }
        : parseMapper(definition, path);
    const existing = properties.get(head);
    properties.set(head, existing === undefined ? mapper : mergeMapper(existing, mapper, path));
  }
  return properties;
}

function parseMapper(definition: Json, path: string): Mapper {
  if (!isObject(definition)) throw mapperParsing(`Expected map for property [fields] on field [${path}] but got a class ${typeof definition}`);
  const type = definition['type'];
  if (type === undefined || type === 'object') return parseObjectMapper(definition, path);
  if (typeof type !== 'string') throw mapperParsing(`No type specified for field [${path}]`);
  if (KNOWN_TYPES.includes(type)) throw new UnsupportedError('mapper_parsing_exception', `field type [${type}] on field [${path}]`);
  if (!(type in PARAMS)) throw mapperParsing(`No handler for type [${type}] declared on field [${path}]`);
  return parseFieldMapper(type as FieldType, definition, path);
}

function parseObjectMapper(definition: JsonObject, path: string): ObjectMapper {
  for (const key of Object.keys(definition)) {
    if (!['type', 'properties', 'dynamic', 'enabled'].includes(key))
      throw new UnsupportedError('mapper_parsing_exception', `parameter [${key}] on object [${path}]`);
  }
  const enabled = definition['enabled'];
  return {
    kind: 'object',
    dynamic: parseDynamic(definition['dynamic'], path),
    enabled: !(enabled === false || enabled === 'false'),
    properties: parseProperties(definition['properties'], path),
  };
}

function parseFieldMapper(type: FieldType, definition: JsonObject, path: string): FieldMapper {
  const params: Record<string, Json> = {};
  let fields = new Map<string, FieldMapper>();
  for (const [key, value] of Object.entries(definition)) {
    if (key === 'type') continue;
    if (key === 'fields' && type !== 'flat_object') {
      fields = parseMultiFields(value, path);
      continue;
    }
    if (key === 'copy_to' || key === 'null_value' || key === 'normalizer' || key === 'fielddata') {
      throw new UnsupportedError('mapper_parsing_exception', `parameter [${key}] on mapper [${path}] of type [${type}]`);
    }
    if (!PARAMS[type].includes(key) && !IGNORED.has(key)) {
      throw new UnsupportedError('mapper_parsing_exception', `unknown parameter [${key}] on mapper [${path}] of type [${type}]`);
    }
    params[key] = value;
  }
  checkParams(type, params, path);
  return { kind: 'field', type, params, fields };
}

function checkParams(type: FieldType, params: Record<string, Json>, path: string): void {
  for (const key of ['analyzer', 'search_analyzer']) {
    const analyzer = params[key];
    if (analyzer !== undefined && analyzer !== 'standard')
      throw new UnsupportedError('mapper_parsing_exception', `[${key}] [${String(analyzer)}] on [${path}] (only "standard")`);
  }
  const format = params['format'];
  if (format !== undefined && (typeof format !== 'string' || !isSupportedDateFormat(format))) {
    throw new UnsupportedError('mapper_parsing_exception', `date format [${String(format)}] on [${path}]`);
  }
  const ignoreAbove = params['ignore_above'];
  if (ignoreAbove !== undefined && !(typeof ignoreAbove === 'number' && Number.isInteger(ignoreAbove) && ignoreAbove >= 0)) {
    throw mapperParsing(`[ignore_above] must be a positive integer on field [${path}] of type [${type}]`);
  }
}

function parseMultiFields(value: Json, path: string): Map<string, FieldMapper> {
  if (!isObject(value)) throw mapperParsing(`Expected map for property [fields] on field [${path}]`);
  const fields = new Map<string, FieldMapper>();
  for (const [name, definition] of Object.entries(value)) {
    const mapper = parseMapper(definition, `${path}.${name}`);
    if (mapper.kind !== 'field' || mapper.type === 'flat_object')
      throw mapperParsing(`Type [${mapper.kind === 'field' ? mapper.type : 'object'}] cannot be used in multi field`);
    fields.set(name, mapper);
  }
  return fields;
}

/**
 * Merges an incoming mapping into an index's (`PUT _mapping`, dynamic updates): new fields are
 * added, objects merged, an existing field keeps its type.
 * @throws OpenSearchError (illegal_argument_exception) on a conflict; nothing is changed then
 */
export function mergeMappings(current: RootMapping, incoming: RootMapping): RootMapping {
  // Root parameters change only when given (RootObjectMapper keeps the explicit ones).
  return {
    root: mergeMapper(current.root, incoming.root, '') as ObjectMapper,
    meta: incoming.meta ?? current.meta,
    dateDetection: incoming.dateDetection ?? current.dateDetection,
    numericDetection: incoming.numericDetection ?? current.numericDetection,
  };
}

function mergeMapper(current: Mapper, incoming: Mapper, path: string): Mapper {
  if (current.kind === 'object' && incoming.kind === 'object') {
    if (current.enabled !== incoming.enabled) throw illegalArgument(`the [enabled] parameter can't be updated for the object mapping [${path}]`);
    const properties = new Map(current.properties);
    for (const [name, mapper] of incoming.properties) {
      const existing = properties.get(name);
      const childPath = path === '' ? name : `${path}.${name}`;
      properties.set(name, existing === undefined ? mapper : mergeMapper(existing, mapper, childPath));
    }
    return { kind: 'object', dynamic: incoming.dynamic ?? current.dynamic, enabled: current.enabled, properties };
  }
  if (current.kind === 'object' || incoming.kind === 'object') throw illegalArgument(`can't merge a non object mapping [${path}] with an object mapping`);
  if (current.type !== incoming.type) throw illegalArgument(`mapper [${path}] cannot be changed from type [${current.type}] to [${incoming.type}]`);
  const conflicts: string[] = [];
  for (const key of new Set([...Object.keys(current.params), ...Object.keys(incoming.params)])) {
    if (UPDATABLE.has(key)) continue;
    const before = JSON.stringify(current.params[key] ?? null);
    const after = JSON.stringify(incoming.params[key] ?? null);
    if (before !== after)
      conflicts.push(`Cannot update parameter [${key}] from [${current.params[key] ?? 'default'}] to [${incoming.params[key] ?? 'default'}]`);
  }
  if (conflicts.length > 0) throw illegalArgument(`Mapper for [${path}] conflicts with existing mapper:\n\t${conflicts.join('\n\t')}`);
  const fields = new Map(current.fields);
  for (const [name, mapper] of incoming.fields) {
    const existing = fields.get(name);
    fields.set(name, existing === undefined ? mapper : (mergeMapper(existing, mapper, `${path}.${name}`) as FieldMapper));
  }
  return { kind: 'field', type: current.type, params: { ...current.params, ...incoming.params }, fields };
}

/** The mapping as `GET /{index}/_mapping` shows it. */
export function renderMapping(mapping: RootMapping): JsonObject {
  const out: JsonObject = {};
  if (mapping.root.dynamic !== undefined) out['dynamic'] = mapping.root.dynamic;
  if (mapping.meta !== undefined) out['_meta'] = mapping.meta;
  if (mapping.dateDetection !== undefined) out['date_detection'] = mapping.dateDetection;
  if (mapping.numericDetection !== undefined) out['numeric_detection'] = mapping.numericDetection;
  if (mapping.root.properties.size > 0) out['properties'] = renderProperties(mapping.root.properties);
  return out;
}

function renderProperties(properties: ReadonlyMap<string, Mapper>): JsonObject {
  const sorted = [...properties.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(sorted.map(([name, mapper]) => [name, renderMapper(mapper)]));
}

function renderMapper(mapper: Mapper): JsonObject {
  if (mapper.kind === 'object') {
    const out: JsonObject = {};
    if (mapper.dynamic !== undefined) out['dynamic'] = mapper.dynamic;
    if (!mapper.enabled) out['enabled'] = false;
    // ObjectMapper#toXContent writes the type only when there is nothing else to say.
    if (mapper.properties.size === 0) out['type'] = 'object';
    else out['properties'] = renderProperties(mapper.properties);
    return out;
  }
  const out: JsonObject = { type: mapper.type, ...mapper.params };
  if (mapper.fields.size > 0) out['fields'] = Object.fromEntries([...mapper.fields.entries()].map(([name, field]) => [name, renderMapper(field)]));
  return out;
}

/** A searchable field: a mapped leaf, a multi-field, or a key inside a flat_object. */
export interface ResolvedField {
  readonly path: string;
  readonly mapper: FieldMapper;
}

/** Every searchable path of a mapping, for queries and sorts. */
export function fieldPaths(mapping: RootMapping): Map<string, FieldMapper> {
  const paths = new Map<string, FieldMapper>();
  const walk = (properties: ReadonlyMap<string, Mapper>, prefix: string) => {
    for (const [name, mapper] of properties) {
      const path = prefix === '' ? name : `${prefix}.${name}`;
      if (mapper.kind === 'object') {
        if (mapper.enabled) walk(mapper.properties, path);
        continue;
      }
      paths.set(path, mapper);
      for (const [sub, field] of mapper.fields) paths.set(`${path}.${sub}`, field);
    }
  };
  walk(mapping.root.properties, '');
  return paths;
}

/** The mapper a query's field name means (`labels.name` inside a flat_object `labels` is a keyword). */
export function resolveField(paths: ReadonlyMap<string, FieldMapper>, name: string): ResolvedField | undefined {
  const direct = paths.get(name);
  if (direct !== undefined) return { path: name, mapper: direct };
  const parts = name.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    const owner = paths.get(parts.slice(0, i).join('.'));
    if (owner?.type === 'flat_object') return { path: name, mapper: { kind: 'field', type: 'keyword', params: {}, fields: new Map() } };
  }
  return undefined;
}
