import type { ErrorDetail } from '../errors';

/**
 * The part of an Ajv error this translation reads. Ajv's `ErrorObject` and fastify's
 * `FastifySchemaValidationError` (Ajv errors of a route's schema) both fit it.
 */
export interface SchemaError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string | undefined;
}

/**
 * How a detail's message reads:
 * - `ajv`: Ajv's own message (HTTP request schemas);
 * - `contract`: an unknown property reads `is not an allowed property`, an enum miss Ajv's message plus the allowed values;
 * - `document`: an unknown property reads `is not an allowed property`, an enum miss `must be one of [...]`.
 */
export type SchemaMessageStyle = 'ajv' | 'contract' | 'document';

export interface SchemaErrorDetailsOptions {
  /** Prepended to every path (`/body`, `/params`, a document's `/1`); the root itself is the prefix, or `/` without one. */
  readonly prefix?: string;
  readonly messages?: SchemaMessageStyle;
  /** Leave out `oneOf` and `if` errors, which only summarise the branch errors reported beside them. */
  readonly skipSummaries?: boolean;
}

/**
 * The JSON Pointer an error names: its instance path, extended by the property that a `required`
 * error misses or an `additionalProperties` error refuses (`/brand_id`, not the object holding it).
 */
export function schemaErrorPointer(error: SchemaError, prefix = ''): string {
  const pointer = `${error.instancePath}${namedProperty(error)}`;
  return pointer === '' ? prefix || '/' : `${prefix}${pointer}`;
}

/** The message of one error in the given style (see `SchemaMessageStyle`). */
export function schemaErrorMessage(error: SchemaError, style: SchemaMessageStyle = 'ajv'): string {
  if (style !== 'ajv') {
    if (error.keyword === 'additionalProperties') return 'is not an allowed property';
    if (error.keyword === 'enum') {
      const allowed = JSON.stringify(error.params['allowedValues']);
      return style === 'document' ? `must be one of ${allowed}` : `${error.message ?? 'invalid'}: ${allowed}`;
    }
  }
  return error.message ?? 'is invalid';
}

/** Ajv's errors as `{path, message}` details, in Ajv's order, each path + message once. */
export function schemaErrorDetails(errors: readonly SchemaError[] | null | undefined, options: SchemaErrorDetailsOptions = {}): ErrorDetail[] {
  const seen = new Set<string>();
  const details: ErrorDetail[] = [];
  for (const error of errors ?? []) {
    if (options.skipSummaries === true && (error.keyword === 'oneOf' || error.keyword === 'if')) continue;
    const path = schemaErrorPointer(error, options.prefix);
    const message = schemaErrorMessage(error, options.messages);
    const key = `${path}\0${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    details.push({ path, message });
  }
  return details;
}

function namedProperty(error: SchemaError): string {
  const name =
    error.keyword === 'required' ? error.params['missingProperty'] : error.keyword === 'additionalProperties' ? error.params['additionalProperty'] : undefined;
  return typeof name === 'string' ? `/${name}` : '';
}
