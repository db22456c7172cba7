import { contentHash, type Json } from '../canonical/canonical-json';
import type { ContractRef } from '../contracts/model';
import type { ContractRegistry } from '../contracts/registry';
import { ChangeSetConflictError, ContractMismatchError, InvalidChangeSetRangeError, NotFoundError } from '../errors';
import { assertTenantId, assertVersion, parseEntityKey } from '../entity-keys/entity-keys';
import type { Change, ChangeSetRecord, RawRecord } from '../ports/records';
import type { ChangeSetStore, RawStore } from '../ports/stores';
import { diffDocuments } from './diff';

export interface CreateChangeSetInput {
  readonly tenantId: string;
  readonly entityKey: string;
  /** 0 diffs against "no document" (the entity's creation). */
  readonly fromVersion: number;
  readonly toVersion: number;
  /** Defaults to the loaded contracts; when given, must match them (fail-closed). */
  readonly schemaRef?: ContractRef;
  readonly ruleSetRef?: ContractRef;
}

export interface CreateChangeSetResult {
  readonly changeSet: ChangeSetRecord;
  readonly created: boolean;
}

/** Raw records the caller already read (a slicing has them from the head), so they are not read again. */
export interface KnownRaws {
  readonly from?: RawRecord;
  readonly to?: RawRecord;
}

/**
 * createChangeSet (SPEC §5, §12): load both versions, diff canonically, hash, conditional put.
 * The key includes the contract versions the diff was computed under, so a contract upgrade
 * computes its own change set instead of refusing the ones stored before it. The same key always
 * yields the same hash; a stored change set with another hash is a conflict.
 */
export async function createChangeSet(
  registry: ContractRegistry,
  stores: { readonly raw: RawStore; readonly changeSets: ChangeSetStore },
  input: CreateChangeSetInput,
  known: KnownRaws = {},
): Promise<CreateChangeSetResult> {
  assertTenantId(input.tenantId);
  const { entityType } = parseEntityKey(input.entityKey);
  if (input.fromVersion !== 0) assertVersion(input.fromVersion);
  assertVersion(input.toVersion);
  if (input.fromVersion >= input.toVersion) throw new InvalidChangeSetRangeError(input.fromVersion, input.toVersion);
  const schema = registry.schema(entityType);
  const ruleSet = registry.ruleSet(entityType);
  const schemaRef = { id: schema.id, version: schema.version };
  const ruleSetRef = { id: ruleSet.id, version: ruleSet.version };
  assertSameRef('EntitySchema', input.schemaRef, schemaRef);
  assertSameRef('RuleSet', input.ruleSetRef, ruleSetRef);
  const [from, to] = await Promise.all([
    input.fromVersion === 0 ? undefined : (known.from ?? stores.raw.get(input.tenantId, input.entityKey, input.fromVersion)),
    known.to ?? stores.raw.get(input.tenantId, input.entityKey, input.toVersion),
  ]);
  if (input.fromVersion !== 0 && !from) throw new NotFoundError(`${input.entityKey} version ${input.fromVersion}`);
  if (!to) throw new NotFoundError(`${input.entityKey} version ${input.toVersion}`);
  const changes = diffDocuments(schema, from?.data ?? undefined, to.data ?? undefined);
  const record: ChangeSetRecord = {
    tenantId: input.tenantId,
    entityKey: input.entityKey,
    fromVersion: input.fromVersion,
    toVersion: input.toVersion,
    schemaRef,
    ruleSetRef,
    changes,
    hash: changeSetHash(input.entityKey, input.fromVersion, input.toVersion, schemaRef, ruleSetRef, changes),
  };
  // Put first: a stored twin is found by the failed condition, not by a read before every put.
  const put = await stores.changeSets.putIfAbsent(record);
  return put.stored ? { changeSet: record, created: true } : same(put.existing, record);
}

function same(existing: ChangeSetRecord, computed: ChangeSetRecord): CreateChangeSetResult {
  if (existing.hash !== computed.hash) throw new ChangeSetConflictError(`${computed.entityKey}@${computed.fromVersion}..${computed.toVersion}`);
  return { changeSet: existing, created: false };
}

function assertSameRef(kind: string, given: ContractRef | undefined, loaded: ContractRef): void {
  if (given && (given.id !== loaded.id || given.version !== loaded.version)) {
    throw new ContractMismatchError(`${kind} ${given.id}@${given.version} was requested, but ${loaded.id}@${loaded.version} is loaded`);
  }
}

export function changeSetHash(
  entityKey: string,
  fromVersion: number,
  toVersion: number,
  schemaRef: ContractRef,
  ruleSetRef: ContractRef,
  changes: readonly Change[],
): string {
  return contentHash('ivm.changeset.v1', {
    entityKey,
    fromVersion,
    toVersion,
    schemaRef: { ...schemaRef },
    ruleSetRef: { ...ruleSetRef },
    changes: changes as unknown as Json,
  });
}
