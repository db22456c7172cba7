/** A JSON Schema, or any part of the OpenAPI document, as plain JSON. */
export type JsonSchema = Record<string, unknown>;

/** Where the document keeps its named schemas; a `$ref` to one is this plus its name. */
export const COMPONENT_REF_PREFIX = '#/components/schemas/';

/** A `$ref` to a named component schema. */
export function componentRef(name: string): JsonSchema {
  return { $ref: `${COMPONENT_REF_PREFIX}${name}` };
}

/** The schema itself, or null: OpenAPI 3.1 speaks JSON Schema 2020-12, so no `nullable`. */
export function orNull(schema: JsonSchema): JsonSchema {
  return { oneOf: [schema, { type: 'null' }] };
}

export function isSchemaObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
