import { randomBytes } from 'node:crypto';
import { parseDocument } from './document';
import { type WriteResult } from './engine';
import { indexNotFound, OpenSearchError } from './errors';
import { isObject, type Json } from './json';
import { type Cluster, type IndexState } from './registry';
import { MATCH_ANY, MATCH_DELETED, parseVersionType, UNASSIGNED_SEQ_NO, type WriteParams } from './versioning';

/**
 * One document write (index, create or delete), as `_bulk` and the single-document APIs share it:
 * resolve the target index, parse the source against the mapping (a dynamic mapping update is
 * applied before the engine runs, as OpenSearch does, so it stays even if the write then
 * conflicts), then let the engine apply its version rules.
 */
export interface WriteOp extends WriteParams {
  readonly opType: 'index' | 'create' | 'delete';
  /** The index or alias as the request named it. */
  readonly index: string;
  /** The source line or body; undefined for a delete. */
  readonly source: string | undefined;
}

/** Version parameters as given (URL or action line), with OpenSearch's defaults. */
export function writeParams(
  opType: 'index' | 'create' | 'delete',
  id: string | undefined,
  given: { readonly version?: Json; readonly versionType?: Json; readonly ifSeqNo?: Json; readonly ifPrimaryTerm?: Json },
): WriteParams {
  const long = (name: string, value: Json | undefined, fallback: number): number => {
    if (value === undefined || value === null) return fallback;
    const number = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(number))
      throw new OpenSearchError(400, 'illegal_argument_exception', `Failed to parse [${name}] with value [${String(value)}] as a long`);
    return number;
  };
  const versionType = parseVersionType(given.versionType === undefined || given.versionType === null ? undefined : String(given.versionType));
  const version = long('version', given.version, opType === 'create' ? MATCH_DELETED : MATCH_ANY);
  return {
    opType,
    id,
    versionType,
    // IndexRequest#resolveVersionDefaults: a create without a version means "must not exist".
    version: opType === 'create' && version === MATCH_ANY ? MATCH_DELETED : version,
    ifSeqNo: long('if_seq_no', given.ifSeqNo, UNASSIGNED_SEQ_NO),
    ifPrimaryTerm: long('if_primary_term', given.ifPrimaryTerm, 0),
  };
}

/** An id like OpenSearch's auto-generated ones (20 URL-safe base64 characters). */
export function autoId(): string {
  return randomBytes(15).toString('base64url');
}

/** The suffix IndexNotFoundException gets when auto-creation is off (AutoCreateIndex#shouldAutoCreate). */
export const AUTO_CREATE_OFF = ' and [action.auto_create_index] is [false]';

/**
 * Deletes with internal versioning never try to create their index; everything else would, and
 * the test server models `action.auto_create_index: false`.
 */
export function wouldAutoCreate(op: Pick<WriteOp, 'opType' | 'versionType'>): boolean {
  return op.opType !== 'delete' || op.versionType !== 'internal';
}

/** The target index, or the error a missing one gives. */
export function resolveTarget(cluster: Cluster, op: WriteOp, autoCreateTried: boolean): IndexState | OpenSearchError {
  try {
    return cluster.resolveWrite(op.index) ?? indexNotFound(op.index, autoCreateTried ? AUTO_CREATE_OFF : '');
  } catch (error) {
    if (error instanceof OpenSearchError) return error;
    throw error;
  }
}

/** Applies one write to its index. @returns the engine's result, or the error (mapping, version conflict) */
export function applyWrite(index: IndexState, op: WriteOp, id: string): WriteResult | OpenSearchError {
  const write = { ...op, id };
  if (op.opType === 'delete') return index.store.delete(write, index.gcDeletesMs);
  let source: Json;
  try {
    source = JSON.parse(op.source ?? '') as Json;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new OpenSearchError(400, 'mapper_parsing_exception', 'failed to parse', {}, { type: 'json_parse_exception', reason });
  }
  if (!isObject(source)) {
    return new OpenSearchError(
      400,
      'mapper_parsing_exception',
      'failed to parse',
      {},
      { type: 'not_x_content_exception', reason: 'Malformed content, must start with an object' },
    );
  }
  let parsed;
  try {
    parsed = parseDocument(index.mapping, source, id, index.coerceByDefault);
  } catch (error) {
    if (error instanceof OpenSearchError) return error;
    throw error;
  }
  if (parsed.mappingUpdate !== undefined) index.mapping = parsed.mappingUpdate;
  return index.store.put(write, source, parsed.indexed, index.gcDeletesMs);
}

/** DocWriteResponse#innerToXContent. */
export function writeResponse(index: IndexState, id: string, result: WriteResult, forcedRefresh: boolean): Record<string, unknown> {
  return {
    _index: index.name,
    _id: id,
    _version: result.version,
    result: result.result,
    ...(forcedRefresh ? { forced_refresh: true } : {}),
    // A single node: the primary is written, the replicas (number_of_replicas) cannot be assigned.
    _shards: { total: 1 + Number(index.settings.get('index.number_of_replicas')), successful: 1, failed: 0 },
    _seq_no: result.seqNo,
    _primary_term: result.primaryTerm,
  };
}
