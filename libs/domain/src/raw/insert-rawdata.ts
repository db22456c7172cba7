import { canonicalJson, type JsonObject } from '../canonical/canonical-json';
import type { ContractRegistry } from '../contracts/registry';
import { NotFoundError, VersionConflictError, VersionRegressionError } from '../errors';
import { assertTenantId, assertVersion, entityKeyOf } from '../entity-keys/entity-keys';
import type { RawRecord } from '../ports/records';
import type { RawStore } from '../ports/stores';
import { rawDocumentHash, TOMBSTONE_RAW_HASH } from './raw-hash';
import { validateDocument } from './validate-document';

export type InsertRawInput =
  | { readonly tenantId: string; readonly entityType: string; readonly entityId: string; readonly version: number; readonly data: unknown }
  | { readonly tenantId: string; readonly entityType: string; readonly entityId: string; readonly version: number; readonly deleted: true };

export interface InsertRawResult {
  readonly record: RawRecord;
  /** False when the same version with the same content was already stored (an idempotent replay). */
  readonly created: boolean;
}

/**
 * insertRawdata (SPEC §5, §12): validate, canonicalise, hash, one atomic append through the head. Replaying the same
 * version and content succeeds without a write; anything else at an existing or older version fails.
 * Nothing is stored when an error is thrown.
 */
export async function insertRawdata(registry: ContractRegistry, raw: RawStore, input: InsertRawInput): Promise<InsertRawResult> {
  // The entity type first (buildRawRecord), so an unknown one reads as such whatever else is wrong with the input.
  return appendRawRecord(raw, buildRawRecord(registry, input));
}

/**
 * The record an input becomes: validated against its schema, canonicalised and hashed (or a
 * tombstone). Pure; throws the validation errors insertRawdata does.
 */
export function buildRawRecord(registry: ContractRegistry, input: InsertRawInput): RawRecord {
  registry.schema(input.entityType);
  assertTenantId(input.tenantId);
  assertVersion(input.version);
  return buildRecord(registry, input, entityKeyOf(input.entityType, input.entityId));
}

/** Appends a record built by buildRawRecord: one atomic append decides replay, conflict, regression and deletion-of-nothing together. */
export async function appendRawRecord(raw: RawStore, record: RawRecord): Promise<InsertRawResult> {
  const { entityKey, version } = record;
  const result = await raw.append(record);
  switch (result.outcome) {
    case 'stored':
      return { record, created: true };
    case 'exists':
      return replay(result.existing, record);
    case 'not-newer':
      throw new VersionRegressionError(entityKey, version, result.latest);
    case 'nothing-to-delete':
      throw new NotFoundError(`${entityKey} (nothing to delete)`);
  }
}

function buildRecord(registry: ContractRegistry, input: InsertRawInput, entityKey: string): RawRecord {
  const base = { tenantId: input.tenantId, entityKey, version: input.version };
  if ('deleted' in input) return { ...base, hash: TOMBSTONE_RAW_HASH, deleted: true, data: null };
  const document = validateDocument(registry, input.entityType, input.entityId, input.data);
  const data = JSON.parse(canonicalJson(document)) as JsonObject;
  return { ...base, hash: rawDocumentHash(data), deleted: false, data };
}

function replay(existing: RawRecord, attempted: RawRecord): InsertRawResult {
  if (existing.hash !== attempted.hash) throw new VersionConflictError(attempted.entityKey, attempted.version);
  return { record: existing, created: false };
}
