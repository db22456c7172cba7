import { contentHash, isJsonObject } from '../canonical/canonical-json';
import type { ContractRegistry } from '../contracts/registry';
import {
  DomainError,
  InvalidDeployRequestError,
  NotFoundError,
  SchemaViolationError,
  VersionConflictError,
  VersionRegressionError,
  type ErrorDetail,
} from '../errors';
import type { EntityHead, RawRecord } from '../ports/records';
import { buildRawRecord } from '../raw/insert-rawdata';
import { parseDeployAxes, type DeployAxes } from '../deploy/axes';
import type { EntityVersionRef } from '../deploy/outbox-task';

/** More records than this in one deploy is a batch job for several deploys, not one request. */
export const MAX_DEPLOY_RECORDS = 500;

/** A deploy request, checked: its axes and every record built (validated, canonical, hashed) in request order. */
export interface DeployRequest {
  readonly axes: DeployAxes;
  readonly records: readonly RawRecord[];
  /** Identifies the request's content: the same body (up to key order and defaults) hashes the same. */
  readonly requestHash: string;
}

const RECORD_KEYS: readonly string[] = ['entityType', 'entityId', 'version', 'data', 'deleted'];

/**
 * Reads a deploy body (API.md): the axes, then every record, reporting every shape problem at
 * once (InvalidDeployRequestError), then every schema problem at once (SchemaViolationError with
 * `/records/i/data/...` paths). Other record errors (unknown entity type, id mismatch) name their
 * record in the message. Nothing here touches a store.
 */
export function parseDeployRequest(registry: ContractRegistry, tenantId: string, body: unknown): DeployRequest {
  const axes = parseDeployAxes(body);
  const input = body as Record<string, unknown>;
  const records = input['records'];
  const problems: ErrorDetail[] = [];
  for (const key of Object.keys(input)) {
    if (!['records', 'compile', 'ship', 'cutover'].includes(key))
      problems.push({ path: `/${key}`, message: 'is not a deploy field (allowed: records, compile, ship, cutover)' });
  }
  if (!Array.isArray(records) || records.length === 0) problems.push({ path: '/records', message: 'must be a non-empty array of records' });
  else if (records.length > MAX_DEPLOY_RECORDS)
    problems.push({ path: '/records', message: `must hold at most ${MAX_DEPLOY_RECORDS} records, got ${records.length}` });
  else records.forEach((record: unknown, i) => checkRecordShape(record, `/records/${i}`, problems));
  if (problems.length > 0)
    throw new InvalidDeployRequestError(`The deploy request is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'})`, problems);

  const built = (records as Record<string, unknown>[]).map((record, i) => buildRecord(registry, tenantId, record, i));
  const schemaProblems = built.flatMap((b) => (b instanceof SchemaViolationError ? b.details : []));
  if (schemaProblems.length > 0) {
    throw new SchemaViolationError(`deploy record`, schemaProblems);
  }
  const okRecords = built as RawRecord[];
  checkOrder(okRecords);
  return { axes, records: okRecords, requestHash: deployRequestHash(axes, okRecords) };
}

/** The references a job and its tasks carry. */
export function recordRefs(records: readonly RawRecord[]): EntityVersionRef[] {
  return records.map((r) => ({ entityKey: r.entityKey, version: r.version }));
}

/**
 * Checks the records against the entities' heads before anything is written, so a deploy that
 * would be refused half-way is refused whole: a new version over a newer or equal one with other
 * content (VERSION_CONFLICT), a deletion of nothing live (NOT_FOUND). Returns the records whose
 * version is older than the newest stored one: the caller reads those versions and passes the
 * stored record to `checkOlderVersion` (a replay, a conflict, or a regression).
 */
export function precheckRecords(records: readonly RawRecord[], heads: ReadonlyMap<string, EntityHead>): readonly RawRecord[] {
  const older: RawRecord[] = [];
  const latest = new Map<string, RawRecord>();
  records.forEach((record, i) => {
    const previous = latest.get(record.entityKey) ?? heads.get(record.entityKey)?.latest;
    if (previous === undefined || record.version > previous.version) {
      if (record.deleted && (previous === undefined || previous.deleted)) throw new NotFoundError(`records[${i}]: ${record.entityKey} (nothing to delete)`);
      latest.set(record.entityKey, record);
    } else if (record.version === previous.version) {
      if (record.hash !== previous.hash) throw new VersionConflictError(record.entityKey, record.version);
    } else {
      older.push(record);
    }
  });
  return older;
}

/** An older version in a deploy is fine only as an identical replay of what is stored at that version. */
export function checkOlderVersion(record: RawRecord, stored: RawRecord | undefined, latestVersion: number): void {
  if (stored === undefined) throw new VersionRegressionError(record.entityKey, record.version, latestVersion);
  if (stored.hash !== record.hash) throw new VersionConflictError(record.entityKey, record.version);
}

function checkRecordShape(record: unknown, path: string, problems: ErrorDetail[]): void {
  if (!isJsonObject(record)) {
    problems.push({ path, message: 'must be an object {entityType, entityId, version, data} or {entityType, entityId, version, deleted: true}' });
    return;
  }
  for (const key of Object.keys(record)) if (!RECORD_KEYS.includes(key)) problems.push({ path: `${path}/${key}`, message: 'is not a record field' });
  if (typeof record['entityType'] !== 'string' || record['entityType'] === '')
    problems.push({ path: `${path}/entityType`, message: 'must be a non-empty string' });
  if (typeof record['entityId'] !== 'string' || record['entityId'] === '') problems.push({ path: `${path}/entityId`, message: 'must be a non-empty string' });
  const version = record['version'];
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1)
    problems.push({ path: `${path}/version`, message: 'must be an integer ≥ 1' });
  const deleted = record['deleted'];
  if (deleted !== undefined && deleted !== true) problems.push({ path: `${path}/deleted`, message: 'must be true when present' });
  if (deleted === true && 'data' in record) problems.push({ path: `${path}/data`, message: 'a deletion carries no data' });
  if (deleted === undefined && !('data' in record)) problems.push({ path: `${path}/data`, message: 'is required (or deleted: true)' });
}

function buildRecord(registry: ContractRegistry, tenantId: string, record: Record<string, unknown>, i: number): RawRecord | SchemaViolationError {
  const base = { tenantId, entityType: record['entityType'] as string, entityId: record['entityId'] as string, version: record['version'] as number };
  try {
    return buildRawRecord(registry, record['deleted'] === true ? { ...base, deleted: true } : { ...base, data: record['data'] });
  } catch (error) {
    if (error instanceof SchemaViolationError) {
      return new SchemaViolationError(
        base.entityType,
        error.details.map((d) => ({ path: `/records/${i}/data${d.path === '/' ? '' : d.path}`, message: d.message })),
      );
    }
    if (error instanceof DomainError) error.message = `records[${i}] (${base.entityType} ${base.entityId}): ${error.message}`;
    throw error;
  }
}

// Versions of one entity in one deploy go up in request order, each once: the job slices them in that order.
function checkOrder(records: readonly RawRecord[]): void {
  const last = new Map<string, number>();
  const problems: ErrorDetail[] = [];
  records.forEach((record, i) => {
    const previous = last.get(record.entityKey);
    if (previous !== undefined && record.version <= previous)
      problems.push({
        path: `/records/${i}/version`,
        message: `${record.entityKey} is already deployed at version ${previous} earlier in this request; versions of one entity must go up`,
      });
    last.set(record.entityKey, record.version);
  });
  if (problems.length > 0) throw new InvalidDeployRequestError('The deploy request is invalid (record order)', problems);
}

function deployRequestHash(axes: DeployAxes, records: readonly RawRecord[]): string {
  return contentHash('deploy-request', {
    compile: axes.compile,
    ship: axes.ship === null ? null : { mode: axes.ship.mode, sinks: [...axes.ship.sinks] },
    cutover: axes.cutover,
    records: records.map((r) => ({ entityKey: r.entityKey, version: r.version, hash: r.hash })),
  });
}
