import type { JsonObject, Json } from '../canonical/canonical-json';
import type { ContractRegistry } from '../contracts/registry';
import type { FieldProjection, RuleSetContract, SinkContract, SliceSpec, ViewContract } from '../contracts/model';
import { InvariantViolationError } from '../errors';
import type { PathSegments } from '../paths/path';

/**
 * The JSON Schema of the documents a sink receives, derived from the contracts: for a View source
 * an object of the view's fields, for a `{entityType, slices}` source an object of slice types,
 * each an object of its fields. Each field's schema is the entity schema's at the raw path the
 * slice reads it from (for a joined field, the joined entity's schema), then at the view's path
 * inside the slice field. Nothing is required: a PARTIAL view or an optional raw field leaves a
 * field out. Sinks derive their target's types from it (the OpenSearch mapping); SDKs their
 * result types.
 * @throws InvariantViolationError when a field's origin cannot be found (the registry's
 *   cross-checks make that unreachable for loaded contracts)
 */
export function sinkDocumentSchema(registry: ContractRegistry, sink: SinkContract): JsonObject {
  if ('view' in sink.source) return viewDocumentSchema(registry, registry.view(sink.source.view));
  const ruleSet = registry.ruleSet(sink.source.entityType);
  const properties: Record<string, Json> = {};
  for (const type of sink.source.slices) properties[type] = sliceSchema(registry, ruleSet, sliceSpec(ruleSet, type));
  return { type: 'object', properties };
}

/** The JSON Schema of a view's data: an object of its fields. */
export function viewDocumentSchema(registry: ContractRegistry, view: ViewContract): JsonObject {
  const ruleSet = registry.ruleSet(view.root);
  const properties: Record<string, Json> = {};
  for (const field of view.fields) {
    const slice = sliceSchema(registry, ruleSet, sliceSpec(ruleSet, field.slice));
    properties[field.name] = schemaAt(slice, field.path);
  }
  return { type: 'object', properties };
}

/**
 * The view fields every answer carries: with FAIL_CLOSED every slice is there, so a field the
 * root entity's schema requires all along its path is there too. A joined field is never
 * guaranteed (the join target may not exist), nor is anything under PARTIAL. SDKs and the
 * OpenAPI document type the rest as optional.
 */
export function requiredViewFields(registry: ContractRegistry, view: ViewContract): string[] {
  if (view.missingSlicePolicy !== 'FAIL_CLOSED') return [];
  const ruleSet = registry.ruleSet(view.root);
  const own = registry.schema(ruleSet.entityType).jsonSchema;
  return view.fields
    .filter((field) => {
      const [name, ...rest] = field.path;
      const projection = sliceSpec(ruleSet, field.slice).fields.find((f) => f.name === name);
      return projection !== undefined && requiredAlong(own, [...projection.path, ...rest]);
    })
    .map((field) => field.name);
}

/** True when every segment of `path` is a property its parent object requires (no array member is ever required). */
function requiredAlong(root: JsonObject, path: PathSegments): boolean {
  let current = resolveRef(root, root);
  for (const segment of path) {
    const required = current['required'];
    if (!Array.isArray(required) || !required.includes(segment)) return false;
    current = resolveRef(child(current, segment), root);
  }
  return path.length > 0;
}

function sliceSpec(ruleSet: RuleSetContract, type: string): SliceSpec {
  const spec = ruleSet.slices.find((s) => s.type === type);
  if (!spec) throw new InvariantViolationError(`RuleSet ${ruleSet.id} has no slice type ${type}`);
  return spec;
}

/** A slice's data: its own projected fields, then those of its joins. */
function sliceSchema(registry: ContractRegistry, ruleSet: RuleSetContract, slice: SliceSpec): JsonObject {
  const properties: Record<string, Json> = {};
  const own = registry.schema(ruleSet.entityType).jsonSchema;
  for (const field of slice.fields) properties[field.name] = projected(own, field);
  for (const name of slice.joins) {
    const join = ruleSet.joins.find((j) => j.name === name);
    if (!join) throw new InvariantViolationError(`RuleSet ${ruleSet.id} has no join ${name}`);
    const target = registry.schema(join.entityType).jsonSchema;
    for (const field of join.projection) properties[field.name] = projected(target, field);
  }
  return { type: 'object', properties };
}

/** A projected field keeps its source's type: every transform maps a string to a string. */
function projected(root: JsonObject, field: FieldProjection): JsonObject {
  return schemaAt(root, field.path, root);
}

/**
 * The schema of the value at `path` in a document of `schema`: through `properties`, a map's
 * `additionalProperties`, an array's `items`, and local `$ref`s; `{}` (any value) where the
 * schema does not say.
 */
export function schemaAt(schema: JsonObject, path: PathSegments, root: JsonObject = schema): JsonObject {
  let current: JsonObject = resolveRef(schema, root);
  for (const segment of path) {
    current = resolveRef(child(current, segment), root);
  }
  return current;
}

function child(schema: JsonObject, segment: string): JsonObject {
  const properties = schema['properties'];
  if (isObject(properties) && isObject(properties[segment])) return properties[segment];
  const items = schema['items'];
  if (isObject(items) && (segment === '*' || /^\d+$/.test(segment))) return items;
  const additional = schema['additionalProperties'];
  if (isObject(additional)) return additional;
  return {};
}

const MAX_REF_DEPTH = 32;

/** Follows `#/…` references within the document's own schema; any other reference is left unknown (`{}`). */
function resolveRef(schema: JsonObject, root: JsonObject): JsonObject {
  let current = schema;
  for (let depth = 0; typeof current['$ref'] === 'string'; depth++) {
    const ref = current['$ref'];
    if (depth >= MAX_REF_DEPTH || !ref.startsWith('#')) return {};
    let target: Json | undefined = root;
    for (const part of ref
      .slice(1)
      .split('/')
      .filter((p) => p !== '')) {
      const key = decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~');
      target = isObject(target) ? target[key] : undefined;
    }
    if (!isObject(target)) return {};
    current = target;
  }
  return current;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
