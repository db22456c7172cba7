/** JSON as the server parses it from request bodies and keeps it in `_source`. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy, so what a client sent can never be changed by what the server later does with it (and vice versa). */
export function clone<T extends Json>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * How Java prints a parsed JSON value (`Map#toString`): OpenSearch quotes values that way in
 * mapper_parsing_exception reasons ("Preview of field's value: '{a=1}'").
 */
export function javaString(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(javaString).join(', ')}]`;
  if (isObject(value)) {
    return `{${Object.entries(value)
      .map(([key, inner]) => `${key}=${javaString(inner)}`)
      .join(', ')}}`;
  }
  return String(value);
}
