/**
 * JSON Schemas shared by the routes. Path and query values arrive as strings and are validated
 * as such (type coercion is off, so a body's `"version": "3"` is refused, not silently fixed);
 * `toVersion` turns a validated string into a number.
 */
export const TENANT_PATTERN = '^[a-z0-9][a-z0-9_-]{0,62}$';
export const VERSION_PATTERN = '^[1-9][0-9]{0,15}$';
const MAX_VERSION = Number.MAX_SAFE_INTEGER;

export const tenantParam = { type: 'string', pattern: TENANT_PATTERN, description: 'Tenant id' } as const;
export const idParam = { type: 'string', minLength: 1, maxLength: 256, description: 'Entity id' } as const;
export const entityTypeParam = { type: 'string', minLength: 1, maxLength: 64, description: 'Entity type, e.g. product' } as const;
export const versionParam = { type: 'string', pattern: VERSION_PATTERN, description: 'Version, an integer ≥ 1' } as const;
export const versionBody = { type: 'integer', minimum: 1, maximum: MAX_VERSION } as const;
export const fromVersionBody = { type: 'integer', minimum: 0, maximum: MAX_VERSION, description: '0 stands for "no earlier version"' } as const;

/** Any JSON object (the document of a raw version). */
export const documentBody = { type: 'object', description: 'The entity document; its id field must equal {entityId}' } as const;

/** A path or query version validated by VERSION_PATTERN; the domain re-checks the range. */
export function toVersion(value: string): number {
  return Number(value);
}

/*
 * Response schemas. fast-json-stringify writes exactly what they declare: an undeclared field is
 * dropped without a word and a missing required one is a 500. So each route's schema declares
 * every field its use case returns (libs/application), and `responseObject` requires each one
 * unless it is named optional.
 */

/** Any JSON value, written as is. */
export const anyJson = {} as const;
/** A document, payload or view: any JSON object, written whole. */
export const jsonObject = { type: 'object', additionalProperties: true } as const;
export const jsonObjectOrNull = { type: ['object', 'null'], additionalProperties: true } as const;
export const stringOut = { type: 'string' } as const;
export const integerOut = { type: 'integer' } as const;
export const booleanOut = { type: 'boolean' } as const;
export const stringList = { type: 'array', items: stringOut } as const;

/** An object with exactly these fields, every one required but those in `optional`. */
export function responseObject<P extends Record<string, object>>(properties: P, optional: readonly (keyof P & string)[] = []) {
  return {
    type: 'object',
    additionalProperties: false,
    required: Object.keys(properties).filter((name) => !optional.includes(name)),
    properties,
  } as const;
}

/** The error envelope (errors.ts), for a route that answers an error itself rather than throwing it. */
export const errorAnswer = responseObject({
  error: responseObject({ code: stringOut, message: stringOut, details: { type: 'array' } }),
});
