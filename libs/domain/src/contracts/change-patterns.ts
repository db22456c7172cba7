import { isJsonObject, type Json, type JsonObject } from '../canonical/canonical-json';
import { formatPointer, type PathSegments, WILDCARD } from '../paths/path';
import type { EntitySchemaContract } from './model';

/**
 * Every shape of path at which the ChangeSetBuilder can report a change for documents of this
 * schema: each declared property, `*` for map keys and keyed-array members. A pattern stands for
 * all paths below it too, so a construct the walk does not open up (anyOf, $ref, a whole array)
 * is simply a leaf: a selector covering it covers everything inside.
 */
export function changePatterns(schema: EntitySchemaContract): PathSegments[] {
  const out = new Map<string, PathSegments>();
  walk(schema.jsonSchema, [], schema, out);
  return [...out.keys()].sort().map((key) => out.get(key) as PathSegments);
}

function walk(node: Json | undefined, prefix: PathSegments, schema: EntitySchemaContract, out: Map<string, PathSegments>): void {
  if (!isJsonObject(node)) return;
  const emit = (segments: PathSegments, child: Json | undefined): void => {
    out.set(formatPointer(segments), segments);
    walk(child, segments, schema, out);
  };
  const types = typeList(node['type']);
  const properties = node['properties'];
  if (isJsonObject(properties)) {
    for (const key of Object.keys(properties).sort()) emit([...prefix, key], properties[key]);
  }
  if (types.includes('object') || isJsonObject(properties)) {
    const additional = node['additionalProperties'];
    if (additional !== false) emit([...prefix, WILDCARD], isJsonObject(additional) ? additional : undefined);
  }
  if (types.includes('array') || node['items'] !== undefined) {
    const rule = schema.arrays.get(formatPointer(prefix));
    if (rule?.mode === 'keyed') emit([...prefix, WILDCARD], node['items'] as JsonObject | undefined);
  }
}

function typeList(type: Json | undefined): string[] {
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return [];
}
