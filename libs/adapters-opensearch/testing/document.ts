import { analyze, DEFAULT_DATE_FORMAT, parseDate, parseIsoDate } from './analysis';
import { type ErrorJson, OpenSearchError } from './errors';
import { isObject, javaString, type Json, type JsonObject } from './json';
import { type Dynamic, type FieldMapper, type FieldType, type Mapper, type ObjectMapper, type RootMapping } from './mappings';

/**
 * Parses a document against its index's mapping the way DocumentParser does: every value must
 * fit its field's type, unknown fields follow `dynamic` (added, ignored, or refused), and what is
 * indexed per field is collected for search. Modelled on OpenSearch's DocumentParser,
 * NumberFieldMapper (coerce), BooleanFieldMapper, DateFieldMapper, ObjectMapper and
 * FlatObjectFieldMapper.
 */

/** What one field holds for search: keyword text, text tokens, numbers (dates as epoch millis) or booleans. */
export type IndexedValue = string | number | boolean;
export type IndexedFields = ReadonlyMap<string, readonly IndexedValue[]>;

export interface ParsedDocument {
  readonly indexed: IndexedFields;
  /** The mapping with the fields this document introduced, when `dynamic` added any. */
  readonly mappingUpdate: RootMapping | undefined;
}

/** Fields OpenSearch keeps outside `_source` (MapperService#isMetadataField). */
const METADATA_FIELDS = new Set(['_id', '_index', '_source', '_routing', '_seq_no', '_primary_term', '_version', '_field_names', '_ignored', '_doc_count']);

const mapperParsing = (reason: string, causedBy?: ErrorJson) => new OpenSearchError(400, 'mapper_parsing_exception', reason, {}, causedBy);

/** Thrown inside a value parser; DocumentParser wraps it into "failed to parse field [...]". */
class ValueError extends Error {
  constructor(readonly detail: ErrorJson) {
    super(detail.reason);
  }
}

const cause = (type: string, reason: string) => new ValueError({ type, reason });

/** @throws OpenSearchError (mapper_parsing_exception, strict_dynamic_mapping_exception) when the document does not fit */
export function parseDocument(mapping: RootMapping, source: JsonObject, id: string, coerceByDefault: boolean): ParsedDocument {
  const parser = new Parser(mapping, id, coerceByDefault);
  for (const key of Object.keys(source)) {
    if (METADATA_FIELDS.has(key))
      throw mapperParsing(`Field [${key}] is a metadata field and cannot be added inside a document. Use the index API request parameters.`);
  }
  parser.parseObject(parser.root, source, '', parser.root.dynamic ?? 'true');
  return { indexed: parser.indexed, mappingUpdate: parser.changed ? { ...mapping, root: parser.root } : undefined };
}

class Parser {
  readonly indexed = new Map<string, IndexedValue[]>();
  /** A private copy of the mapper tree: dynamic additions go here, so a later value in the same document sees them. */
  readonly root: ObjectMapper;
  changed = false;

  constructor(
    private readonly mapping: RootMapping,
    private readonly id: string,
    private readonly coerceByDefault: boolean,
  ) {
    this.root = copyObject(mapping.root);
  }

  parseObject(mapper: ObjectMapper, value: JsonObject, path: string, dynamic: Dynamic): void {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '') throw mapperParsing('field name cannot be an empty string');
      const segments = key.split('.');
      if (segments.some((segment) => segment === '')) {
        throw mapperParsing(`object field starting or ending with a [.] makes object resolution ambiguous: [${key}]`);
      }
      this.parseAt(mapper, segments, inner, path, dynamic);
    }
  }

  /** A dotted key (`"a.b": 1`) is a path through objects, created on the way when `dynamic` allows it. */
  private parseAt(mapper: ObjectMapper, segments: readonly string[], value: Json, parentPath: string, dynamic: Dynamic): void {
    const [name = '', ...rest] = segments;
    const path = parentPath === '' ? name : `${parentPath}.${name}`;
    let child = mapper.properties.get(name);
    if (rest.length > 0) {
      if (child?.kind === 'field') {
        if (child.type === 'flat_object') return this.parseField(child, path, { [rest.join('.')]: value });
        throw mapperParsing(
          `Could not dynamically add mapping for field [${path}.${rest.join('.')}]. Existing mapping for [${path}] must be of type object but found [${child.type}].`,
        );
      }
      let object: ObjectMapper;
      if (child === undefined) {
        if (!this.allowNew(name, parentPath, dynamic)) return;
        object = { kind: 'object', dynamic: undefined, enabled: true, properties: new Map() };
        this.add(mapper, name, object);
      } else object = child;
      if (!object.enabled) return;
      return this.parseAt(object, rest, value, path, object.dynamic ?? dynamic);
    }
    if (child === undefined) {
      // strict refuses even a null or an empty array for an unknown field (DocumentParser#parseNullValue, #parseArray).
      if (!this.allowNew(name, parentPath, dynamic)) return;
      const created = this.dynamicMapper(value);
      if (created === undefined) return;
      child = this.add(mapper, name, created);
    }
    this.parseValue(child, path, value, dynamic);
  }

  private parseValue(mapper: Mapper, path: string, value: Json, dynamic: Dynamic): void {
    if (value === null) return;
    if (Array.isArray(value)) {
      for (const element of value) this.parseValue(mapper, path, element, dynamic);
      return;
    }
    if (mapper.kind === 'field') return this.parseField(mapper, path, value);
    if (!mapper.enabled) return;
    if (!isObject(value))
      throw mapperParsing(`object mapping for [${path}] tried to parse field [${path.split('.').pop() ?? path}] as object, but found a concrete value`);
    this.parseObject(mapper, value, path, mapper.dynamic ?? dynamic);
  }

  /** @returns false when the new field is to be ignored (`dynamic: false`) */
  private allowNew(name: string, parentPath: string, dynamic: Dynamic): boolean {
    if (dynamic === 'strict') {
      throw new OpenSearchError(
        400,
        'strict_dynamic_mapping_exception',
        `mapping set to strict, dynamic introduction of [${name}] within [${parentPath === '' ? '_doc' : parentPath}] is not allowed`,
      );
    }
    return dynamic === 'true';
  }

  private add(parent: ObjectMapper, name: string, mapper: Mapper): Mapper {
    (parent.properties as Map<string, Mapper>).set(name, mapper);
    this.changed = true;
    return mapper;
  }

  /** The mapper `dynamic: true` creates for a value (DocumentParser#createBuilderFromDynamicValue), or undefined for null / []. */
  private dynamicMapper(value: Json): Mapper | undefined {
    if (value === null) return undefined;
    if (Array.isArray(value)) {
      const first = value.find((element) => element !== null);
      return first === undefined ? undefined : this.dynamicMapper(first);
    }
    const field = (type: FieldType, params: Record<string, Json> = {}, fields = new Map<string, FieldMapper>()): FieldMapper => ({
      kind: 'field',
      type,
      params,
      fields,
    });
    if (isObject(value)) return { kind: 'object', dynamic: undefined, enabled: true, properties: new Map() };
    if (typeof value === 'boolean') return field('boolean');
    if (typeof value === 'number') return field(Number.isInteger(value) ? 'long' : 'float');
    if (this.mapping.numericDetection === true && /^-?\d+$/.test(value)) return field('long');
    if (this.mapping.numericDetection === true && /^-?\d*\.\d+$/.test(value)) return field('float');
    if (this.mapping.dateDetection !== false && parseIsoDate(value) !== undefined) return field('date');
    return field('text', {}, new Map([['keyword', field('keyword', { ignore_above: 256 })]]));
  }

  private parseField(mapper: FieldMapper, path: string, value: Json): void {
    if (value === null) return;
    if (Array.isArray(value)) {
      for (const element of value) this.parseField(mapper, path, element);
      return;
    }
    let values: IndexedValue[];
    try {
      values = this.values(mapper, path, value);
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      if (mapper.params['ignore_malformed'] === true) return;
      throw mapperParsing(
        `failed to parse field [${path}] of type [${mapper.type}] in document with id '${this.id}'. Preview of field's value: '${javaString(value)}'`,
        error.detail,
      );
    }
    if (mapper.params['index'] !== false && mapper.params['index'] !== 'false') {
      const list = this.indexed.get(path) ?? [];
      list.push(...values);
      this.indexed.set(path, list);
    }
    for (const [name, sub] of mapper.fields) this.parseField(sub, `${path}.${name}`, value);
  }

  /** @throws ValueError when the value does not fit the type */
  private values(mapper: FieldMapper, path: string, value: Json): IndexedValue[] {
    switch (mapper.type) {
      case 'keyword': {
        const text = scalarText(value);
        const limit = mapper.params['ignore_above'];
        return typeof limit === 'number' && text.length > limit ? [] : [text];
      }
      case 'text':
        return analyze(scalarText(value));
      case 'boolean':
        return [parseBoolean(value)];
      case 'date': {
        const format = typeof mapper.params['format'] === 'string' ? mapper.params['format'] : DEFAULT_DATE_FORMAT;
        if (typeof value !== 'string' && typeof value !== 'number') throw cause('illegal_state_exception', `Can't get text on a ${tokenName(value)}`);
        const millis = parseDate(value, format);
        if (millis === undefined) throw cause('illegal_argument_exception', `failed to parse date field [${value}] with format [${format}]`);
        return [millis];
      }
      case 'flat_object':
        if (!isObject(value)) throw cause('parsing_exception', `[${path}] unexpected token [${tokenName(value)}], expected [START_OBJECT]`);
        return this.flatten(path, value);
      default: {
        const coerce = mapper.params['coerce'] ?? this.coerceByDefault;
        return value === '' ? [] : [parseNumber(mapper.type, value, coerce === true || coerce === 'true')];
      }
    }
  }

  /** flat_object indexes every leaf as a keyword, under the field itself and under its dotted path. */
  private flatten(path: string, value: JsonObject): IndexedValue[] {
    const leaves: string[] = [];
    const walk = (node: Json, subPath: string) => {
      if (node === null) return;
      if (Array.isArray(node)) return node.forEach((element) => walk(element, subPath));
      if (isObject(node)) return Object.entries(node).forEach(([key, inner]) => walk(inner, subPath === '' ? key : `${subPath}.${key}`));
      const text = String(node);
      leaves.push(text);
      const full = `${path}.${subPath}`;
      this.indexed.set(full, [...(this.indexed.get(full) ?? []), text]);
    };
    walk(value, '');
    return leaves;
  }
}

function copyObject(mapper: ObjectMapper): ObjectMapper {
  const properties = new Map<string, Mapper>();
  for (const [name, child] of mapper.properties) properties.set(name, child.kind === 'object' ? copyObject(child) : child);
  return { ...mapper, properties };
}

function tokenName(value: Json): string {
  if (Array.isArray(value)) return 'START_ARRAY';
  if (isObject(value)) return 'START_OBJECT';
  if (typeof value === 'boolean') return value ? 'VALUE_TRUE' : 'VALUE_FALSE';
  return typeof value === 'number' ? 'VALUE_NUMBER' : 'VALUE_STRING';
}

/** keyword and text take strings, numbers and booleans as text (XContentParser#textOrNull), never objects. */
function scalarText(value: Json): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw cause('illegal_state_exception', `Can't get text on a ${tokenName(value)}`);
}

/** Booleans#parseBoolean: only true/false (and "" as false); a number is not a boolean. */
function parseBoolean(value: Json): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  if (typeof value === 'string') throw cause('illegal_argument_exception', `Failed to parse value [${value}] as only [true] or [false] are allowed.`);
  throw cause('json_parse_exception', `Current token (${tokenName(value)}) not of boolean type`);
}

const INTEGER_RANGES: Partial<Record<FieldType, readonly [number, number, string]>> = {
  integer: [-2147483648, 2147483647, 'an integer'],
  short: [-32768, 32767, 'a short'],
  byte: [-128, 127, 'a byte'],
  // ±2^63: JavaScript numbers cannot hold Long.MAX_VALUE exactly, so the upper bound is one above it.
  long: [-(2 ** 63), 2 ** 63, 'a long'],
};
const JAVA_CLASS: Record<string, string> = { long: 'Long', integer: 'Integer', short: 'Short', byte: 'Byte', double: 'Double', float: 'Float' };

/**
 * NumberFieldMapper with XContentParser's coercion (AbstractXContentParser#longValue): with
 * `coerce` (the default) a string holding a number is read and a fraction is truncated for an
 * integer type; without it both are refused.
 */
function parseNumber(type: FieldType, value: Json, coerce: boolean): number {
  const javaClass = JAVA_CLASS[type] ?? type;
  let number: number;
  if (typeof value === 'number') number = value;
  else if (typeof value === 'string') {
    if (!coerce) throw cause('illegal_argument_exception', `${javaClass} value passed as String`);
    const text = value.trim();
    number = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
    if (Number.isNaN(number)) throw cause('number_format_exception', `For input string: "${value}"`);
  } else throw cause('json_parse_exception', `Current token (${tokenName(value)}) not numeric, can not use numeric value accessors`);
  if (!Number.isFinite(number)) throw cause('illegal_argument_exception', `[${type}] supports only finite values, but got [${number}]`);
  const range = INTEGER_RANGES[type];
  if (range === undefined) return type === 'float' ? Math.fround(number) : number;
  if (!Number.isInteger(number)) {
    if (!coerce) throw cause('illegal_argument_exception', `${number} cannot be converted to ${javaClass} without data loss`);
    number = Math.trunc(number);
  }
  if (number < range[0] || number > range[1] || (type === 'long' && number === range[1]))
    throw cause('illegal_argument_exception', `Value [${javaString(value)}] is out of range for ${range[2]}`);
  return number;
}
