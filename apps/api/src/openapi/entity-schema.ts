import { COMPONENT_REF_PREFIX, isSchemaObject, type JsonSchema } from './json-schema';

/** Where a schema comes from, for the errors: the contract's file and the schema's place in it. */
export interface SchemaOrigin {
  /** Kind and id of the contract, e.g. `EntitySchema product`. */
  readonly label: string;
  readonly file: string;
  /** JSON Pointer of the schema inside the file (`/schema`). */
  readonly pointer: string;
  /** `none`: the schema was assembled from other schemas (a view's), where no `$ref` can be followed. Default `local`. */
  readonly refs?: 'local' | 'none';
}

// Keywords whose value is a schema, a list of schemas, or a map of name → schema (draft-07 and 2020-12).
const ONE = ['additionalProperties', 'contains', 'not', 'if', 'then', 'else', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties'];
const LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const MAP = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];

/**
 * A contract's schema (draft-07, as the registry's Ajv reads it) as an OpenAPI 3.1 component named
 * `name` (JSON Schema 2020-12): `$schema` and `$id` dropped, `$ref`s into the schema itself
 * (`#/…`, or its own `$id`/file plus a fragment) rewritten to point into the component, draft-07
 * tuples (`items: […]`, `additionalItems`) and `dependencies` spelled the 2020-12 way.
 * @throws Error naming the contract, file and pointer for what the document cannot express: a
 *   reference to another document, an anchor, a nested `$id`, or a pointer through a keyword
 *   this rewrites
 */
export function entityComponentSchema(schema: JsonSchema, name: string, origin: SchemaOrigin): JsonSchema {
  const id = schema['$id'];
  const base = typeof id === 'string' ? id : `file:///${origin.file.replace(/^\/+/, '')}`;
  return rewrite(schema, { name, origin, base }, origin.pointer, true);
}

interface Context {
  readonly name: string;
  readonly origin: SchemaOrigin;
  /** The URI the schema's relative references resolve against. */
  readonly base: string;
}

function rewrite(schema: JsonSchema, context: Context, at: string, root: boolean): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    const where = `${at}/${escape(key)}`;
    if (key === '$schema' || (root && key === '$id')) continue;
    if (key === '$id' || key === '$anchor' || key === '$dynamicAnchor' || key === '$dynamicRef' || key === '$recursiveRef')
      fail(context, where, `${key} is not supported in a contract schema published in the OpenAPI document`);
    if (key === '$ref' && typeof value === 'string') out[key] = localRef(value, context, where);
    else if (key === 'items' && Array.isArray(value)) {
      // draft-07 tuple: 2020-12 says prefixItems, and its `items` is draft-07's additionalItems.
      out['prefixItems'] = value.map((item, i) => subschema(item, context, `${where}/${i}`));
      if (schema['additionalItems'] !== undefined) out['items'] = subschema(schema['additionalItems'], context, `${at}/additionalItems`);
    } else if (key === 'additionalItems') continue;
    else if (key === 'dependencies' && isSchemaObject(value)) dependencies(value, out, context, where);
    else if (ONE.includes(key) || key === 'items') out[key] = subschema(value, context, where);
    else if (LIST.includes(key) && Array.isArray(value)) out[key] = value.map((item, i) => subschema(item, context, `${where}/${i}`));
    else if (MAP.includes(key) && isSchemaObject(value))
      out[key] = Object.fromEntries(Object.entries(value).map(([name, item]) => [name, subschema(item, context, `${where}/${escape(name)}`)]));
    // Everything else (type, enum, const, default, examples, description, …) is data: copied as is.
    else out[key] = value;
  }
  return out;
}

function subschema(value: unknown, context: Context, at: string): unknown {
  return isSchemaObject(value) ? rewrite(value, context, at, false) : value;
}

/** draft-07 `dependencies`: a list of names is 2020-12 dependentRequired, a schema dependentSchemas. */
function dependencies(value: JsonSchema, out: JsonSchema, context: Context, at: string): void {
  for (const [name, dependency] of Object.entries(value)) {
    const keyword = Array.isArray(dependency) ? 'dependentRequired' : 'dependentSchemas';
    const target = (out[keyword] ??= {}) as JsonSchema;
    target[name] = Array.isArray(dependency) ? dependency : subschema(dependency, context, `${at}/${escape(name)}`);
  }
}

function localRef(ref: string, context: Context, at: string): string {
  if (context.origin.refs === 'none') fail(context, at, `$ref "${ref}" comes from an entity schema, where this schema cannot follow it; inline it there`);
  let fragment: string;
  try {
    const resolved = new URL(ref, context.base);
    const self = new URL(context.base);
    if (resolved.origin + resolved.pathname + resolved.search !== self.origin + self.pathname + self.search)
      fail(context, at, `$ref "${ref}" points to another document; a contract schema must be self-contained`);
    fragment = decodeURIComponent(resolved.hash.slice(1));
  } catch (error) {
    if (error instanceof TypeError) fail(context, at, `$ref "${ref}" is not a URI reference`);
    throw error;
  }
  if (fragment !== '' && !fragment.startsWith('/')) fail(context, at, `$ref "${ref}" names an anchor; only JSON Pointer references are supported`);
  // The pointer must not cross a keyword renamed above, or it would point at nothing.
  if (/\/(items\/\d+|additionalItems|dependencies)(\/|$)/.test(fragment))
    fail(context, at, `$ref "${ref}" points through a draft-07 tuple or dependencies; point at a $defs/definitions entry instead`);
  return `${COMPONENT_REF_PREFIX}${context.name}${fragment.split('/').map(encodePointerSegment).join('/')}`;
}

/** A pointer segment as a URI fragment may hold it (`$defs` stays readable; a space or `#` does not). */
function encodePointerSegment(segment: string): string {
  return encodeURI(segment).replace(/#/g, '%23');
}

function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function fail(context: Context, at: string, message: string): never {
  throw new Error(`OpenAPI: ${context.origin.label} (${context.origin.file}#${at}): ${message}`);
}
