import {
  DEPLOY_STATES,
  isJsonObject,
  parseDeployAxes,
  parseTaskPayload,
  TASK_STATUSES,
  TASK_TYPES,
  type DeployAxes,
  type DeployJobError,
  type DeployState,
  type EntityVersionRef,
  type JobTaskSummary,
  type OutboxTask,
  type TaskError,
  type TaskPayload,
} from '@ivm/domain';
import { corrupt } from './errors';

/** Epoch milliseconds (whole) of a timestamptz column: every time is the database's, read as a number. */
export const ms = (column: string): string => `floor(extract(epoch from ${column}) * 1000)::float8`;

/** The columns of an outbox task as `decodeTask` reads them, from table alias `t`. */
export const TASK_COLUMNS = [
  't.task_id',
  't.type',
  't.status',
  't.payload',
  't.attempt',
  't.max_attempts',
  't.lease_owner',
  `${ms('t.lease_until')} AS lease_until`,
  `${ms('t.created_at')} AS created_at`,
  `${ms('t.run_after')} AS run_after`,
  't.last_error',
].join(', ');

export interface TaskRecord {
  readonly task_id: unknown;
  readonly type: unknown;
  readonly status: unknown;
  readonly payload: unknown;
  readonly attempt: unknown;
  readonly max_attempts: unknown;
  readonly lease_owner: unknown;
  readonly lease_until: unknown;
  readonly created_at: unknown;
  readonly run_after: unknown;
  readonly last_error: unknown;
}

const TASKS = 'outbox_tasks';

export function decodeTask(row: TaskRecord): OutboxTask {
  return {
    taskId: text(row.task_id, TASKS, 'task_id'),
    type: oneOf(row.type, TASK_TYPES, TASKS, 'type'),
    status: oneOf(row.status, TASK_STATUSES, TASKS, 'status'),
    payload: payload(row.payload),
    attempt: count(row.attempt, TASKS, 'attempt'),
    maxAttempts: count(row.max_attempts, TASKS, 'max_attempts'),
    leaseOwner: row.lease_owner === null ? null : text(row.lease_owner, TASKS, 'lease_owner'),
    leaseUntil: row.lease_until === null ? null : time(row.lease_until, TASKS, 'lease_until'),
    createdAt: time(row.created_at, TASKS, 'created_at'),
    runAfter: time(row.run_after, TASKS, 'run_after'),
    lastError: row.last_error === null ? null : taskError(row.last_error, TASKS, 'last_error'),
  };
}

function payload(value: unknown): TaskPayload {
  try {
    return parseTaskPayload(value);
  } catch (error) {
    throw corrupt(TASKS, 'payload', error);
  }
}

export function decodeAxes(value: unknown): DeployAxes {
  try {
    return parseDeployAxes(value);
  } catch (error) {
    throw corrupt('deploy_jobs', 'axes', error);
  }
}

export function decodeRecords(value: unknown): EntityVersionRef[] {
  if (!Array.isArray(value)) throw corrupt('deploy_jobs', 'records');
  return value.map((item: unknown) => {
    if (!isJsonObject(item)) throw corrupt('deploy_jobs', 'records');
    return { entityKey: text(item['entityKey'], 'deploy_jobs', 'records'), version: count(item['version'], 'deploy_jobs', 'records') };
  });
}

export function decodeState(value: unknown, table = 'deploy_jobs'): DeployState {
  return oneOf(value, DEPLOY_STATES, table, 'state');
}

export function decodeJobError(value: unknown): DeployJobError | undefined {
  return value === null || value === undefined ? undefined : taskError(value, 'deploy_jobs', 'error');
}

export function decodeSummary(value: unknown): JobTaskSummary {
  if (!isJsonObject(value)) throw corrupt(TASKS, 'summary');
  return {
    taskId: text(value['taskId'], TASKS, 'task_id'),
    type: oneOf(value['type'], TASK_TYPES, TASKS, 'type'),
    status: oneOf(value['status'], TASK_STATUSES, TASKS, 'status'),
    attempt: count(value['attempt'], TASKS, 'attempt'),
    lastError: value['lastError'] === null ? null : taskError(value['lastError'], TASKS, 'last_error'),
  };
}

export function taskError(value: unknown, table: string, column: string): TaskError {
  if (!isJsonObject(value) || typeof value['code'] !== 'string' || typeof value['message'] !== 'string') throw corrupt(table, column);
  return { code: value['code'], message: value['message'] };
}

export function text(value: unknown, table: string, column: string): string {
  if (typeof value !== 'string') throw corrupt(table, column);
  return value;
}

export function count(value: unknown, table: string, column: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw corrupt(table, column);
  return value;
}

export function time(value: unknown, table: string, column: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw corrupt(table, column);
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], table: string, column: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw corrupt(table, column);
  return value as T;
}
