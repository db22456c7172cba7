import type { Json, JsonObject } from '../canonical/canonical-json';
import type { FieldProjection, Transform } from '../contracts/model';
import { valueAt } from '../paths/path';

/** Output fields read from a document; a missing source path leaves its field out. */
export function projectFields(document: JsonObject, fields: readonly FieldProjection[], into: Record<string, Json>): void {
  for (const field of fields) {
    const value = valueAt(document, field.path);
    if (value !== undefined) into[field.name] = field.transform ? applyTransform(field.transform, value) : value;
  }
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
