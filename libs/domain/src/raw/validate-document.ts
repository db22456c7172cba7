import type { JsonObject } from '../canonical/canonical-json';
import { isJsonObject } from '../canonical/canonical-json';
import type { ContractRegistry } from '../contracts/registry';
import { EntityIdMismatchError, SchemaViolationError, type ErrorDetail } from '../errors';
import { schemaErrorDetails } from '../json-schema';

/**
 * Checks a document against its entity schema and that its id field names the entity.
 * Every violation is reported with its JSON Pointer; nothing is coerced or defaulted.
 */
export function validateDocument(registry: ContractRegistry, entityType: string, entityId: string, document: unknown): JsonObject {
  const schema = registry.schema(entityType);
  const validate = registry.validator(entityType);
  if (!validate(document)) {
    const details = schemaErrorDetails(validate.errors, { messages: 'document' });
    throw new SchemaViolationError(entityType, details.sort(byPathThenMessage));
  }
  if (!isJsonObject(document)) throw new SchemaViolationError(entityType, [{ path: '/', message: 'must be an object' }]);
  assertFiniteJson(entityType, document);
  const id = document[schema.idField];
  if (id !== entityId) throw new EntityIdMismatchError(schema.idField, entityId, id);
  return document;
}

function byPathThenMessage(a: ErrorDetail, b: ErrorDetail): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.message < b.message ? -1 : 1;
}

/** JSON parsed from text is always finite; a caller in-process could still pass NaN or a Date. */
function assertFiniteJson(entityType: string, value: unknown, path = ''): void {
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new SchemaViolationError(entityType, [{ path: path || '/', message: 'must be a finite number' }]);
  if (Array.isArray(value)) value.forEach((v, i) => assertFiniteJson(entityType, v, `${path}/${i}`));
  else if (typeof value === 'object' && value !== null) {
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
      throw new SchemaViolationError(entityType, [{ path: path || '/', message: 'must be plain JSON' }]);
    }
    for (const [k, v] of Object.entries(value)) assertFiniteJson(entityType, v, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  } else if (typeof value === 'undefined' || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
    throw new SchemaViolationError(entityType, [{ path: path || '/', message: 'must be a JSON value' }]);
  }
}
