import { contentHash, isJsonObject, type JsonObject } from '../canonical/canonical-json';
import { IllegalStateTransitionError, InvalidOutboxPayloadError, type ErrorDetail } from '../errors';

export const TASK_TYPES = ['COMPILE_TASK', 'SHIP_TASK'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export const TASK_STATUSES = ['PENDING', 'RUNNING', 'SUCCESS', 'FAILED', 'DEAD'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Ten attempts with the default backoff span about eight and a half minutes before DEAD. */
export const DEFAULT_MAX_ATTEMPTS = 10;

/** One raw version the task works on, by reference. */
export interface EntityVersionRef {
  readonly entityKey: string;
  readonly version: number;
}

/**
 * What a task needs to find its work — references only. The document itself is never copied
 * into the outbox: it is read from the stores by (tenantId, entityKey, version) when the task runs.
 */
export interface TaskPayload {
  readonly tenantId: string;
  readonly jobId: string;
  readonly entities: readonly EntityVersionRef[];
  /** Sink contract ids to ship to; empty for COMPILE_TASK. */
  readonly sinkIds: readonly string[];
  /** Forbidden: a payload never carries document data. */
  readonly data?: never;
}

/** The last failure of a task, kept for inspection. */
export interface TaskError {
  readonly code: string;
  readonly message: string;
}

/** A task as persisted. Lease fields are non-null exactly while the task is RUNNING. */
export interface OutboxTask {
  /** Idempotency key: the same (tenant, job, type) always yields the same id. */
  readonly taskId: string;
  readonly type: TaskType;
  readonly status: TaskStatus;
  readonly payload: TaskPayload;
  /** How many times the task has been claimed; 0 until the first claim. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly leaseOwner: string | null;
  /** Epoch ms after which the lease is expired and the reaper may take the task back. */
  readonly leaseUntil: number | null;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms before which the task is not claimed (backoff). */
  readonly runAfter: number;
  readonly lastError: TaskError | null;
}

/**
 * The task id, derived from what identifies the work and nothing else, so re-enqueueing the
 * same step of the same job (a crash and replay, a duplicate request) dedupes on insert.
 */
export function outboxTaskId(tenantId: string, jobId: string, type: TaskType): string {
  return contentHash('outbox-task', { tenantId, jobId, type });
}

export interface NewOutboxTask {
  readonly type: TaskType;
  readonly payload: TaskPayload;
  readonly createdAt: number;
  /** Defaults to `createdAt`. */
  readonly runAfter?: number;
  /** Defaults to DEFAULT_MAX_ATTEMPTS. */
  readonly maxAttempts?: number;
}

/** A fresh PENDING task; the payload is checked to be references only. */
export function newOutboxTask(input: NewOutboxTask): OutboxTask {
  const payload = parseTaskPayload(input.payload);
  const problems: ErrorDetail[] = [];
  if (input.type === 'SHIP_TASK' && payload.sinkIds.length === 0) problems.push({ path: '/sinkIds', message: 'a SHIP_TASK names at least one sink' });
  if (problems.length > 0) throw new InvalidOutboxPayloadError(problems);
  const maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts must be an integer ≥ 1, got ${maxAttempts}`);
  return {
    taskId: outboxTaskId(payload.tenantId, payload.jobId, input.type),
    type: input.type,
    status: 'PENDING',
    payload,
    attempt: 0,
    maxAttempts,
    leaseOwner: null,
    leaseUntil: null,
    createdAt: input.createdAt,
    runAfter: input.runAfter ?? input.createdAt,
    lastError: null,
  };
}

/** What identifies a task to enqueue: the outbox port's TaskSpec (its id derived by the caller with `outboxTaskId`). */
export interface TaskToEnqueue {
  readonly taskId: string;
  readonly type: TaskType;
  readonly payload: TaskPayload;
  readonly maxAttempts: number;
}

/**
 * The PENDING task a store inserts for a spec, claimable at once (`createdAt` = `runAfter` = the
 * store's now). Checked like `newOutboxTask` (references only, a SHIP_TASK names a sink,
 * maxAttempts ≥ 1) before anything is written, so both stores refuse the same specs.
 */
export function taskFromSpec(spec: TaskToEnqueue, nowMs: number): OutboxTask {
  if (typeof spec.taskId !== 'string' || spec.taskId.length === 0) {
    throw new InvalidOutboxPayloadError([{ path: '/taskId', message: 'must be a non-empty string' }]);
  }
  if (!(TASK_TYPES as readonly string[]).includes(spec.type)) {
    throw new InvalidOutboxPayloadError([{ path: '/type', message: `must be one of ${TASK_TYPES.join(', ')}` }]);
  }
  const task = newOutboxTask({ type: spec.type, payload: spec.payload, createdAt: nowMs, maxAttempts: spec.maxAttempts });
  return { ...task, taskId: spec.taskId };
}

const PAYLOAD_KEYS: readonly string[] = ['tenantId', 'jobId', 'entities', 'sinkIds'];
const ENTITY_KEYS: readonly string[] = ['entityKey', 'version'];

/**
 * Checks, at run time, that a payload is exactly references (it may come from storage or an
 * untyped caller) and returns a copy holding only them. Any key beyond the references is
 * rejected, `data` included, so document content cannot leak into the outbox under another name.
 */
export function parseTaskPayload(input: unknown): TaskPayload {
  const problems: ErrorDetail[] = [];
  if (!isJsonObject(input)) throw new InvalidOutboxPayloadError([{ path: '', message: 'must be an object' }]);
  rejectExtraKeys(input, PAYLOAD_KEYS, '', problems);
  const tenantId = readId(input['tenantId'], '/tenantId', problems);
  const jobId = readId(input['jobId'], '/jobId', problems);
  const entities = readEntities(input['entities'], problems);
  const sinkIds = readSinkIds(input['sinkIds'], problems);
  if (problems.length > 0) throw new InvalidOutboxPayloadError(problems);
  return { tenantId, jobId, entities, sinkIds };
}

function readEntities(value: unknown, problems: ErrorDetail[]): EntityVersionRef[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push({ path: '/entities', message: 'must be a non-empty array of {entityKey, version}' });
    return [];
  }
  return value.map((entity: unknown, index) => {
    const path = `/entities/${index}`;
    if (!isJsonObject(entity)) {
      problems.push({ path, message: 'must be {entityKey, version}' });
      return { entityKey: '', version: 0 };
    }
    rejectExtraKeys(entity, ENTITY_KEYS, path, problems);
    const entityKey = readId(entity['entityKey'], `${path}/entityKey`, problems);
    const version = entity['version'];
    if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
      problems.push({ path: `${path}/version`, message: 'must be an integer ≥ 1' });
      return { entityKey, version: 0 };
    }
    return { entityKey, version };
  });
}

function readSinkIds(value: unknown, problems: ErrorDetail[]): string[] {
  if (!Array.isArray(value)) {
    problems.push({ path: '/sinkIds', message: 'must be an array of sink ids' });
    return [];
  }
  return value.map((sinkId: unknown, index) => readId(sinkId, `/sinkIds/${index}`, problems));
}

function rejectExtraKeys(record: JsonObject, allowed: readonly string[], path: string, problems: ErrorDetail[]): void {
  for (const key of Object.keys(record)) {
    if (allowed.includes(key)) continue;
    const message = key === 'data' ? 'document data never goes into the outbox; reference it by entityKey and version' : 'is not a reference field';
    problems.push({ path: `${path}/${key}`, message });
  }
}

function readId(value: unknown, path: string, problems: ErrorDetail[]): string {
  if (typeof value === 'string' && value.length > 0) return value;
  problems.push({ path, message: 'must be a non-empty string' });
  return '';
}

type TaskEdge = readonly [from: TaskStatus, to: TaskStatus];

/**
 * Claim, settle (success / retry / invariant failure / exhausted), reaper and re-drive. SUCCESS
 * and FAILED are final: a FAILED task broke an invariant, and running the same deterministic
 * inputs again would fail again.
 */
export const TASK_TRANSITIONS: readonly TaskEdge[] = [
  ['PENDING', 'RUNNING'],
  ['RUNNING', 'SUCCESS'],
  ['RUNNING', 'PENDING'],
  ['RUNNING', 'FAILED'],
  ['RUNNING', 'DEAD'],
  ['DEAD', 'PENDING'],
];

export function canTaskTransition(from: TaskStatus, to: TaskStatus): boolean {
  return TASK_TRANSITIONS.some(([f, t]) => f === from && t === to);
}

export function assertTaskTransition(from: TaskStatus, to: TaskStatus): void {
  if (!canTaskTransition(from, to)) throw new IllegalStateTransitionError('OutboxTask', from, to);
}
