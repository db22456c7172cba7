import type { Json, JsonObject } from '@ivm/domain';

/**
 * A copy of `schema` with every local `#/…` reference of `root` inlined, so a sub-schema taken
 * out of an entity schema (a view field) stands alone. A cycle or a remote reference becomes `{}`
 * (any value): the generated type is then `unknown`, never wrong.
 */
export function inlineLocalRefs(schema: Json, root: JsonObject, seen: readonly string[] = []): Json {
  if (isArray(schema)) return schema.map((item) => inlineLocalRefs(item, root, seen));
  if (typeof schema !== 'object' || schema === null) return schema;
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    if (!ref.startsWith('#') || seen.includes(ref)) return {};
    const target = pointer(root, ref.slice(1));
    return target === undefined ? {} : inlineLocalRefs(target, root, [...seen, ref]);
  }
  const copy: Record<string, Json> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = inlineLocalRefs(value, root, seen);
  return copy;
}

function pointer(root: JsonObject, path: string): Json | undefined {
  let target: Json | undefined = root;
  for (const part of path.split('/').filter((p) => p !== '')) {
    const key = decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~');
    target = typeof target === 'object' && target !== null && !isArray(target) ? target[key] : undefined;
  }
  return target;
}

/** The schema as a generator input: without `$schema`/`$id`/`title` at the top, which would rename or re-root the type. */
export function topLevel(schema: JsonObject): JsonObject {
  const { $schema: _schema, $id: _id, title: _title, ...rest } = schema;
  return rest;
}

function isArray(value: Json | undefined): value is readonly Json[] {
  return Array.isArray(value);
}
