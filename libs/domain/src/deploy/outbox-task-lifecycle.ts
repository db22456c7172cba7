import { IllegalStateTransitionError, LeaseLostError } from '../errors';
import type { Outcome } from './outcome';
import { assertTaskTransition, type OutboxTask, type TaskError } from './outbox-task';

/*
 * Every change of an outbox task, as pure functions. A store implements each port method as the
 * matching function applied atomically, so the in-memory store and Postgres cannot disagree.
 */

/** Claimable: PENDING and its backoff has elapsed. */
export function isClaimable(task: OutboxTask, nowMs: number): boolean {
  return task.status === 'PENDING' && task.runAfter <= nowMs;
}

/** A RUNNING task whose worker stopped renewing its lease (crashed, partitioned, too slow). */
export function isLeaseExpired(task: OutboxTask, nowMs: number): boolean {
  return task.status === 'RUNNING' && task.leaseUntil !== null && task.leaseUntil <= nowMs;
}

/** PENDING → RUNNING: the worker leases the task until now + leaseMs; each claim is one attempt. */
export function claimTask(task: OutboxTask, owner: string, leaseMs: number, nowMs: number): OutboxTask {
  assertTaskTransition(task.status, 'RUNNING');
  return { ...task, status: 'RUNNING', attempt: task.attempt + 1, leaseOwner: owner, leaseUntil: nowMs + leaseMs };
}

/** Keeps a long task leased. Only the lease holder may extend; an expired but unreaped lease is still held. */
export function extendTaskLease(task: OutboxTask, owner: string, leaseMs: number, nowMs: number): OutboxTask {
  assertLeaseHolder(task, owner);
  return { ...task, leaseUntil: nowMs + leaseMs };
}

/** RUNNING → SUCCESS. */
export function completeTask(task: OutboxTask, owner: string): OutboxTask {
  assertTaskTransition(task.status, 'SUCCESS');
  assertLeaseHolder(task, owner);
  return { ...released(task), status: 'SUCCESS' };
}

/** RUNNING → PENDING, not claimable before `runAfterMs`. Refused on the last attempt: that one ends DEAD. */
export function retryTask(task: OutboxTask, owner: string, runAfterMs: number, error: TaskError): OutboxTask {
  assertTaskTransition(task.status, 'PENDING');
  assertLeaseHolder(task, owner);
  if (task.attempt >= task.maxAttempts) {
    throw new IllegalStateTransitionError(`OutboxTask (attempt ${task.attempt} of ${task.maxAttempts})`, task.status, 'PENDING');
  }
  return { ...released(task), status: 'PENDING', runAfter: runAfterMs, lastError: error };
}

/** RUNNING → FAILED: an invariant violation; final. */
export function failTask(task: OutboxTask, owner: string, error: TaskError): OutboxTask {
  assertTaskTransition(task.status, 'FAILED');
  assertLeaseHolder(task, owner);
  return { ...released(task), status: 'FAILED', lastError: error };
}

/** RUNNING → DEAD: attempts exhausted; kept for inspection and re-drive. */
export function markTaskDead(task: OutboxTask, owner: string, error: TaskError): OutboxTask {
  assertTaskTransition(task.status, 'DEAD');
  assertLeaseHolder(task, owner);
  return { ...released(task), status: 'DEAD', lastError: error };
}

export const LEASE_EXPIRED_ERROR: TaskError = { code: 'LEASE_EXPIRED', message: 'The worker holding the lease stopped renewing it' };

/**
 * The reaper's move for an expired lease: back to PENDING, claimable at once — or DEAD when that
 * was the last attempt, so a task that crashes its worker every time cannot loop forever.
 */
export function reapTask(task: OutboxTask, nowMs: number): OutboxTask {
  const to = task.attempt >= task.maxAttempts ? 'DEAD' : 'PENDING';
  assertTaskTransition(task.status, to);
  if (!isLeaseExpired(task, nowMs)) {
    throw new IllegalStateTransitionError(`OutboxTask (lease held until ${String(task.leaseUntil)}, now ${nowMs})`, task.status, to);
  }
  return { ...released(task), status: to, runAfter: to === 'PENDING' ? nowMs : task.runAfter, lastError: LEASE_EXPIRED_ERROR };
}

/** DEAD → PENDING with a fresh attempt budget; lastError stays for the record. */
export function redriveTask(task: OutboxTask, nowMs: number): OutboxTask {
  if (task.status !== 'DEAD') throw new IllegalStateTransitionError('OutboxTask (re-drive)', task.status, 'PENDING');
  return { ...task, status: 'PENDING', attempt: 0, runAfter: nowMs };
}

/**
 * RUNNING → PENDING, claimable at once, the attempt not counted: the worker gave the task back
 * unfinished (graceful shutdown), so the attempt did not fail and must not eat the budget.
 */
export function releaseTask(task: OutboxTask, nowMs: number): OutboxTask {
  assertTaskTransition(task.status, 'PENDING');
  return { ...released(task), status: 'PENDING', attempt: Math.max(0, task.attempt - 1), runAfter: nowMs };
}

/** An attempt's outcome as a store persists it (the outbox port's Settlement without lease and follow-up). */
export type TaskSettlement =
  | { readonly kind: 'OK' }
  | { readonly kind: 'RETRY'; readonly delayMs: number; readonly error: TaskError }
  | { readonly kind: 'FAILED' | 'DEAD'; readonly error: TaskError };

/**
 * The task after its current attempt settles (the store has checked the fencing token, so the
 * holder on record is the caller). RETRY waits `delayMs` of the store's clock; a RETRY of the
 * last attempt ends DEAD instead — the store keeps the budget, as the reaper does, so no caller
 * can loop a task forever.
 */
export function settleTask(task: OutboxTask, settlement: TaskSettlement, nowMs: number): OutboxTask {
  const holder = task.leaseOwner ?? '';
  switch (settlement.kind) {
    case 'OK':
      return completeTask(task, holder);
    case 'RETRY':
      checkDuration('delayMs', settlement.delayMs);
      return task.attempt >= task.maxAttempts
        ? markTaskDead(task, holder, settlement.error)
        : retryTask(task, holder, nowMs + settlement.delayMs, settlement.error);
    case 'FAILED':
      return failTask(task, holder, settlement.error);
    case 'DEAD':
      return markTaskDead(task, holder, settlement.error);
  }
}

/** Settles a RUNNING task with the outcome of its run (see `nextOutcome`) at the store's time `nowMs`. */
export function applyOutcome(task: OutboxTask, owner: string, outcome: Outcome, nowMs: number): OutboxTask {
  switch (outcome.kind) {
    case 'OK':
      return completeTask(task, owner);
    case 'RETRY':
      return retryTask(task, owner, nowMs + outcome.delayMs, outcome.error);
    case 'FAIL':
      return outcome.status === 'DEAD' ? markTaskDead(task, owner, outcome.error) : failTask(task, owner, outcome.error);
  }
}

function assertLeaseHolder(task: OutboxTask, owner: string): void {
  if (task.status !== 'RUNNING' || task.leaseOwner !== owner) throw new LeaseLostError(task.taskId, owner);
}

function released(task: OutboxTask): OutboxTask {
  return { ...task, leaseOwner: null, leaseUntil: null };
}

/** Store arguments are checked alike by every store: a limit is an integer ≥ 0. */
export function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be an integer ≥ 0, got ${value}`);
}

/** Store arguments are checked alike by every store: a duration is a finite number of milliseconds ≥ 0. */
export function checkDuration(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a duration ≥ 0 ms, got ${value}`);
}
