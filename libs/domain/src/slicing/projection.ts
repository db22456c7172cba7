import type { Json, JsonObject } from '../canonical/canonical-json';
import type { FieldProjection, Transform } from '../contracts/model';
import { valueAt } from '../paths/path';

/** Output fields read from a document; a missing source path leaves its field out. Returns how many were set. */
export function projectFields(document: JsonObject, fields: readonly FieldProjection[], into: Record<string, Json>): number {
  let set = 0;
  for (const field of fields) {
    // Most projections read a top-level field; skip the general path walk for them.
    const value =
      field.path.length === 1
        ? Object.prototype.hasOwnProperty.call(document, field.path[0] as string)
          ? document[field.path[0] as string]
          : undefined
        : valueAt(document, field.path);
    if (value === undefined) continue;
    into[field.name] = field.transform ? applyTransform(field.transform, value) : value;
    set++;
  }
  return set;
}

function applyTransform(transform: Transform, value: Json): Json {
  if (typeof value !== 'string') return value;
  switch (transform) {
    case 'lowercase':
      return value.toLowerCase();
    case 'uppercase':
      return value.toUpperCase();
    case 'trim':
      return value.trim();
  }
}
