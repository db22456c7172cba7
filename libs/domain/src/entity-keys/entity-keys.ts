import { InvalidKeyError, InvalidVersionError } from '../errors';

const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const ENTITY_TYPE = /^[a-z][a-z0-9_-]*$/;
// '#' separates key parts and '/' would break URLs; whitespace and control characters (Unicode Cc) never belong in an id.
// eslint-disable-next-line no-control-regex -- control characters are exactly what an id may not contain
const ENTITY_ID = /^[^#/\s\u0000-\u001f\u007f-\u009f]{1,256}$/;

/** True for a string that may be an entity id (1–256 UTF-16 units, no '#', '/', whitespace or control characters). */
export function isValidEntityId(id: string): boolean {
  return ENTITY_ID.test(id);
}

export interface EntityRef {
  readonly entityType: string;
  readonly entityId: string;
}

export function assertTenantId(tenantId: string): void {
  if (!TENANT.test(tenantId)) {
    throw new InvalidKeyError(`Tenant id ${JSON.stringify(tenantId)} must match ${TENANT.source}`, [
      { path: 'tenantId', message: `must match ${TENANT.source}` },
    ]);
  }
}

/** `{entityType}#{entityId}` after checking both parts. */
export function entityKeyOf(entityType: string, entityId: string): string {
  if (!ENTITY_TYPE.test(entityType)) {
    throw new InvalidKeyError(`Entity type ${JSON.stringify(entityType)} must match ${ENTITY_TYPE.source}`, [
      { path: 'entityType', message: `must match ${ENTITY_TYPE.source}` },
    ]);
  }
  if (!ENTITY_ID.test(entityId)) {
    throw new InvalidKeyError(`Entity id ${JSON.stringify(entityId)} must be 1–256 characters without '#', '/', whitespace or control characters`, [
      { path: 'entityId', message: "must be 1–256 characters without '#', '/', whitespace or control characters" },
    ]);
  }
  return `${entityType}#${entityId}`;
}

export function parseEntityKey(entityKey: string): EntityRef {
  const at = entityKey.indexOf('#');
  if (at <= 0 || at === entityKey.length - 1) throw new InvalidKeyError(`${JSON.stringify(entityKey)} is not an entity key {entityType}#{entityId}`);
  const ref = { entityType: entityKey.slice(0, at), entityId: entityKey.slice(at + 1) };
  entityKeyOf(ref.entityType, ref.entityId);
  return ref;
}

/** Data versions are integers from 1; 0 is reserved for "no version" in change sets. */
export function assertVersion(version: unknown): asserts version is number {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) throw new InvalidVersionError(version);
}
