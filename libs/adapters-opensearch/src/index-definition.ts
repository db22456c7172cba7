import { type ContractRegistry, InvariantViolationError, type Json, type JsonObject, type OpenSearchSinkContract, sinkDocumentSchema } from '@ivm/domain';

/** The field that carries a document's identity and revision, and marks tombstones. */
export const META_FIELD = 'ivm';

/**
 * Where a sink's documents live. Readers search `alias`, the contract's `target.index`, which
 * hides tombstones; the sink writes to `index`, which holds live documents and tombstones alike.
 */
export interface IndexNames {
  readonly index: string;
  readonly alias: string;
}

export function indexNames(sink: OpenSearchSinkContract): IndexNames {
  return { index: `${sink.target.index}-ivm`, alias: sink.target.index };
}

/** What readers see through the alias: documents that are not tombstones. */
export const LIVE_FILTER = { term: { [`${META_FIELD}.deleted`]: false } } as const;

/** The index's creation body: mappings from the contracts, and the filtered alias. */
export function indexDefinition(registry: ContractRegistry, sink: OpenSearchSinkContract): { readonly mappings: JsonObject; readonly aliasFilter: JsonObject } {
  return { mappings: documentMappings(registry, sink), aliasFilter: LIVE_FILTER };
}

/**
 * The mappings of a sink's documents, from the JSON Schema of what it ships (`sinkDocumentSchema`),
 * strict: a field the contracts do not declare is refused, not guessed. Strings that identify
 * or classify (an `enum`, `const`, `pattern` or `format`, or at most 256 characters) are `keyword`;
 * longer free text is `text` with a `keyword` sub-field; integers `long`; numbers `double`;
 * objects with declared properties nest, free-form maps are `flat_object` (one field, so map
 * keys never grow the mapping).
 * @throws InvariantViolationError naming a field whose schema gives no single type
 */
export function documentMappings(registry: ContractRegistry, sink: OpenSearchSinkContract): JsonObject {
  const schema = sinkDocumentSchema(registry, sink);
  const properties = objectProperties(schema, '');
  if (META_FIELD in properties) throw new InvariantViolationError(`Sink ${sink.id}: the document field "${META_FIELD}" is reserved for the sink's metadata`);
  return {
    dynamic: 'strict',
    properties: {
      ...properties,
      [META_FIELD]: {
        properties: {
          tenantId: { type: 'keyword' },
          entityKey: { type: 'keyword' },
          version: { type: 'long' },
          revision: { type: 'long' },
          deleted: { type: 'boolean' },
        },
      },
    },
  };
}

function objectProperties(schema: JsonObject, path: string): Record<string, Json> {
  const properties = schema['properties'];
  const out: Record<string, Json> = {};
  if (!isObject(properties)) return out;
  for (const [name, field] of Object.entries(properties)) {
    if (isObject(field)) out[name] = fieldMapping(field, `${path}/${name}`);
  }
  return out;
}

const KEYWORD_MAX_LENGTH = 256;

function fieldMapping(schema: JsonObject, path: string): JsonObject {
  const values = Array.isArray(schema['enum']) ? (schema['enum'] as readonly Json[]) : 'const' in schema ? [schema['const'] as Json] : undefined;
  if (values !== undefined) return enumMapping(values, path);
  switch (singleType(schema, path)) {
    case 'string': {
      const maxLength = schema['maxLength'];
      const short = typeof maxLength === 'number' && maxLength <= KEYWORD_MAX_LENGTH;
      if ('pattern' in schema || 'format' in schema || short) return { type: 'keyword' };
      return { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: KEYWORD_MAX_LENGTH } } };
    }
    case 'integer':
      return { type: 'long' };
    case 'number':
      return { type: 'double' };
    case 'boolean':
      return { type: 'boolean' };
    case 'array': {
      // OpenSearch fields hold arrays of their type as they are.
      const items = schema['items'];
      if (!isObject(items)) throw unmappable(path, 'an array without an items schema');
      return fieldMapping(items, `${path}/*`);
    }
    case 'object':
      if (isObject(schema['properties'])) return { dynamic: 'strict', properties: objectProperties(schema, path) };
      return { type: 'flat_object' };
  }
}

function enumMapping(values: readonly Json[], path: string): JsonObject {
  if (values.every((v) => typeof v === 'string')) return { type: 'keyword' };
  if (values.every((v) => Number.isInteger(v))) return { type: 'long' };
  if (values.every((v) => typeof v === 'number')) return { type: 'double' };
  if (values.every((v) => typeof v === 'boolean')) return { type: 'boolean' };
  throw unmappable(path, 'an enum of mixed types');
}

type SchemaType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';
const SCHEMA_TYPES: readonly string[] = ['string', 'integer', 'number', 'boolean', 'array', 'object'];

/** The schema's one type; `null` beside it is allowed (an absent value), any other mix is not. */
function singleType(schema: JsonObject, path: string): SchemaType {
  const type = schema['type'];
  const types = (Array.isArray(type) ? type : [type]).filter((t) => t !== 'null');
  const [only] = types;
  if (types.length !== 1 || typeof only !== 'string' || !SCHEMA_TYPES.includes(only)) {
    throw unmappable(path, type === undefined ? 'no type' : `type ${JSON.stringify(type)}`);
  }
  return only as SchemaType;
}

function unmappable(path: string, what: string): InvariantViolationError {
  return new InvariantViolationError(`cannot map the document field ${path} to an OpenSearch type: its schema has ${what}`);
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
