import { illegalArgument } from './errors';

/**
 * Version rules, transcribed from OpenSearch's `org.opensearch.index.VersionType` (INTERNAL,
 * EXTERNAL, EXTERNAL_GTE: isVersionConflictForWrites, explainConflictForWrites, updateVersion,
 * validateVersionForWrites) and the request validation of IndexRequest#validate,
 * DeleteRequest#validate and DocWriteRequest#validateSeqNoBasedCASParams.
 */
export type VersionType = 'internal' | 'external' | 'external_gte';

/** org.opensearch.common.lucene.uid.Versions */
export const MATCH_ANY = -3;
export const MATCH_DELETED = -4;
export const NOT_FOUND = -1;
export const UNASSIGNED_SEQ_NO = -2;

/** VersionType#fromString: "external_gt" is another name for "external"; "force" is gone. */
export function parseVersionType(text: string | undefined): VersionType {
  if (text === undefined || text === 'internal') return 'internal';
  if (text === 'external' || text === 'external_gt') return 'external';
  if (text === 'external_gte') return 'external_gte';
  throw illegalArgument(`No version type match [${text}]`);
}

/**
 * @param current the live document's version, a remembered tombstone's version, or NOT_FOUND
 * @param deleted true when there is no live document (not found, or a tombstone)
 */
export function isVersionConflictForWrites(type: VersionType, current: number, expected: number, deleted: boolean): boolean {
  switch (type) {
    case 'internal':
      if (expected === MATCH_ANY) return false;
      if (expected === MATCH_DELETED) return !deleted;
      return current !== expected;
    case 'external':
      if (current === NOT_FOUND) return false;
      if (expected === MATCH_ANY) return true;
      return current >= expected;
    case 'external_gte':
      if (current === NOT_FOUND) return false;
      if (expected === MATCH_ANY) return true;
      return current > expected;
  }
}

export function explainConflictForWrites(type: VersionType, current: number, expected: number): string {
  switch (type) {
    case 'internal':
      if (expected === MATCH_DELETED) return `document already exists (current version [${current}])`;
      if (current === NOT_FOUND) return `document does not exist (expected version [${expected}])`;
      return `current version [${current}] is different than the one provided [${expected}]`;
    case 'external':
      return `current version [${current}] is higher or equal to the one provided [${expected}]`;
    case 'external_gte':
      return `current version [${current}] is higher than the one provided [${expected}]`;
  }
}

/** The version a successful write gets: internal counts up from the current one, external takes the one provided. */
export function updateVersion(type: VersionType, current: number, expected: number): number {
  if (type === 'internal') return current === NOT_FOUND ? 1 : current + 1;
  return expected;
}

function validateVersionForWrites(type: VersionType, version: number): boolean {
  if (type === 'internal') return version > 0 || version === MATCH_ANY || version === MATCH_DELETED;
  return version >= 0;
}

/** What a write asks for, as the REST layer parsed it. */
export interface WriteParams {
  readonly opType: 'index' | 'create' | 'delete';
  readonly id: string | undefined;
  readonly versionType: VersionType;
  /** MATCH_ANY when not given (MATCH_DELETED for a create, IndexRequest#resolveVersionDefaults). */
  readonly version: number;
  readonly ifSeqNo: number;
  readonly ifPrimaryTerm: number;
}

/** The messages of ActionRequestValidationException for one write (empty when valid). */
export function validateWrite(params: WriteParams): string[] {
  const messages: string[] = [];
  const { opType, id, versionType, version, ifSeqNo, ifPrimaryTerm } = params;
  if (opType === 'create') {
    if (versionType !== 'internal') return ['create operations only support internal versioning. use index instead'];
    if (version !== MATCH_DELETED) return ['create operations do not support explicit versions. use index instead'];
    if (ifSeqNo !== UNASSIGNED_SEQ_NO || ifPrimaryTerm !== 0) return ['create operations do not support compare and set. use index instead'];
  }
  if (opType === 'delete' && (id === undefined || id === '')) messages.push('id is missing');
  if (opType !== 'delete' && id === '') messages.push('if _id is specified it must not be empty');
  if (opType !== 'delete' && id === undefined && (versionType !== 'internal' || (version !== MATCH_DELETED && version !== MATCH_ANY))) {
    messages.push('an id must be provided if version type or value are set');
  }
  if (!validateVersionForWrites(versionType, version)) messages.push(`illegal version value [${version}] for version type [${versionType.toUpperCase()}]`);
  if (versionType === 'internal' && version !== MATCH_ANY && version !== MATCH_DELETED) {
    messages.push('internal versioning can not be used for optimistic concurrency control. Please use `if_seq_no` and `if_primary_term` instead');
  }
  if (ifSeqNo !== UNASSIGNED_SEQ_NO && (versionType !== 'internal' || version !== MATCH_ANY))
    messages.push('compare and write operations can not use versioning');
  if (ifPrimaryTerm === 0 && ifSeqNo !== UNASSIGNED_SEQ_NO) messages.push('ifSeqNo is set, but primary term is [0]');
  if (ifPrimaryTerm !== 0 && ifSeqNo === UNASSIGNED_SEQ_NO) messages.push(`ifSeqNo is unassigned, but primary term is [${ifPrimaryTerm}]`);
  if (id !== undefined && Buffer.byteLength(id) > 512)
    messages.push(`id [${id}] is too long, must be no longer than 512 bytes but was: ${Buffer.byteLength(id)}`);
  return messages;
}
