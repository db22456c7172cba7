import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** A JSON value as the domain stores it: no undefined, no functions, finite numbers only. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

/** RFC 8785 (JCS) canonical form: sorted keys by UTF-16 code units, ES number formatting. */
export function canonicalJson(value: Json): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('Value has no JSON representation');
  return text;
}

/** Hex SHA-256 of a string's UTF-8 bytes. Deterministic; no I/O, so it belongs to the domain. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Content hash with a domain-separation label, so a raw document, a slice and a change set
 * with the same JSON never share a hash.
 */
export function contentHash(label: string, value: Json): string {
  return sha256Hex(`${label}\n${canonicalJson(value)}`);
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
