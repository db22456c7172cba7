import { contentHash } from '../canonical/canonical-json';
import type { ContractRef } from '../contracts/model';
import { DomainError, SinkUnavailableError } from '../errors';
import type { OutboxTask, TaskError } from './outbox-task';
import type { Outcome } from './outcome';

export type ErrorClass = 'TRANSIENT' | 'INVARIANT_VIOLATION' | 'CONCURRENCY_CONFLICT';

// Domain errors that a later attempt may not meet again: a store that did not answer.
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['TRANSIENT', 'STORE_UNAVAILABLE', 'SINK_UNAVAILABLE']);
// Domain errors that mean "someone else got there first", not "this input is wrong".
const CONFLICT_CODES: ReadonlySet<string> = new Set(['CONCURRENCY_CONFLICT', 'SLICE_WRITE_CONFLICT', 'LEASE_LOST', 'RULESET_OUTDATED']);

/**
 * Total classification of anything a task run can throw.
 * - TransientError and StoreUnavailableError → TRANSIENT; ConcurrencyConflictError and the other conflict codes → CONFLICT.
 * - Every other DomainError → INVARIANT_VIOLATION: the domain is deterministic, so the same
 *   inputs would raise the same error again and a retry only delays the failure.
 * - Anything that is not a DomainError → TRANSIENT. Such errors come from I/O below the
 *   adapters (sockets, throttling, timeouts), where a retry usually helps; effects are
 *   idempotent so a retry is safe, and the attempt budget ends in DEAD — kept and
 *   re-drivable — so a bug misread as transient is still surfaced, just later.
 */
export function classify(error: unknown): ErrorClass {
  if (!(error instanceof DomainError)) return 'TRANSIENT';
  if (TRANSIENT_CODES.has(error.code)) return 'TRANSIENT';
  if (CONFLICT_CODES.has(error.code)) return 'CONCURRENCY_CONFLICT';
  return 'INVARIANT_VIOLATION';
}

/** What is recorded as a task's lastError: a stable code and a message, never the thrown object. */
export function toTaskError(error: unknown): TaskError {
  if (error instanceof DomainError) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: 'UNCLASSIFIED_ERROR', message: `${error.name}: ${error.message}` };
  return { code: 'UNCLASSIFIED_ERROR', message: describeThrown(error) };
}

// Anything can be thrown, including objects whose toString throws; recording it must not.
function describeThrown(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

export interface RetryPolicy {
  /** Delay after the first failed attempt. */
  readonly baseDelayMs: number;
  /** Growth per further attempt (≥ 1). */
  readonly factor: number;
  /** No delay exceeds this. */
  readonly maxDelayMs: number;
  /** Share of a delay that jitter may take off (0 ≤ r < 1), so tasks failed together do not return together. */
  readonly jitterRatio: number;
  /**
   * Wait before the first retry after a concurrency conflict (the other worker is usually done by
   * then); later conflicts of the same task wait longer by `factor`, capped at `maxDelayMs`, so a
   * task queued behind a long compile of its entity does not spend its attempts in seconds.
   */
  readonly conflictDelayMs: number;
}

/** 1 s doubling to a 5 min cap, up to 20 % jitter; conflicts wait 500 ms, doubling the same way. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 1_000,
  factor: 2,
  maxDelayMs: 300_000,
  jitterRatio: 0.2,
  conflictDelayMs: 500,
};

/** The default policy with overrides, checked; a bad setting fails with its name. */
export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  const check = (name: keyof RetryPolicy, ok: boolean): void => {
    if (!ok) throw new RangeError(`RetryPolicy.${name} is out of range: ${policy[name]}`);
  };
  check('baseDelayMs', Number.isFinite(policy.baseDelayMs) && policy.baseDelayMs >= 0);
  check('factor', Number.isFinite(policy.factor) && policy.factor >= 1);
  check('maxDelayMs', Number.isFinite(policy.maxDelayMs) && policy.maxDelayMs >= policy.baseDelayMs);
  check('jitterRatio', policy.jitterRatio >= 0 && policy.jitterRatio < 1);
  check('conflictDelayMs', Number.isFinite(policy.conflictDelayMs) && policy.conflictDelayMs >= 0);
  return policy;
}

/** The un-jittered schedule: base · factor^(attempt−1), capped; non-decreasing in attempt. */
export function backoffDelayMs(attempt: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  if (!Number.isSafeInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer ≥ 1, got ${attempt}`);
  const raw = policy.baseDelayMs * policy.factor ** (attempt - 1);
  return Number.isFinite(raw) ? Math.min(policy.maxDelayMs, Math.floor(raw)) : policy.maxDelayMs;
}

/**
 * Takes up to `jitterRatio` of `delayMs` off, by an amount fixed by (taskId, attempt): spread
 * like random jitter, yet the same task and attempt always wait the same (no randomness in the domain).
 */
export function jitteredDelayMs(delayMs: number, taskId: string, attempt: number, jitterRatio: number): number {
  const unit = Number.parseInt(contentHash('outbox-backoff-jitter', { taskId, attempt }).slice(0, 8), 16) / 0x1_0000_0000;
  return delayMs - Math.floor(delayMs * jitterRatio * unit);
}

/**
 * The outcome of a failed run of `task` (its `attempt` is the one that just failed).
 * Invariant violation → FAIL/FAILED at once; otherwise, with attempts left, transient → RETRY
 * after exponential backoff and conflict → RETRY after the (also growing) conflict wait; with none left → FAIL/DEAD.
 * A retry carries a delay, not a time: the store adds it to its own clock, so a worker's clock
 * (skewed or not) never decides when a task runs again.
 */
export function nextOutcome(task: OutboxTask, error: unknown, policy: RetryPolicy = DEFAULT_RETRY_POLICY): Outcome {
  const errorClass = classify(error);
  const taskError = toTaskError(error);
  if (errorClass === 'INVARIANT_VIOLATION') {
    return { kind: 'FAIL', status: 'FAILED', reason: 'invariant violation: retrying cannot help', error: taskError };
  }
  if (task.attempt >= task.maxAttempts) {
    return { kind: 'FAIL', status: 'DEAD', reason: `attempts exhausted (${task.attempt} of ${task.maxAttempts})`, error: taskError };
  }
  const attempt = Math.max(1, task.attempt);
  const baseDelay = errorClass === 'TRANSIENT' ? backoffDelayMs(attempt, policy) : backoffDelayMs(attempt, { ...policy, baseDelayMs: policy.conflictDelayMs });
  const jittered = jitteredDelayMs(baseDelay, task.taskId, task.attempt, policy.jitterRatio);
  // A sink that said when it will take documents again is not asked sooner (an open circuit breaker fails fast until then).
  const delayMs = error instanceof SinkUnavailableError && error.retryAfterMs !== undefined ? Math.max(jittered, error.retryAfterMs) : jittered;
  return { kind: 'RETRY', delayMs, error: taskError };
}

export interface SingleFlightScope {
  readonly tenantId: string;
  readonly entityKey: string;
  readonly version: number;
  readonly ruleSet: ContractRef;
}

/**
 * The key under which at most one worker compiles a given (tenant, entityKey, version, ruleSet)
 * at a time: SPEC §8's scope. A hash, so it has a fixed length and no separator can make two
 * scopes collide. Compiles use the stricter `compileFlightKey`.
 */
export function singleFlightKey(scope: SingleFlightScope): string {
  return contentHash('single-flight', {
    tenantId: scope.tenantId,
    entityKey: scope.entityKey,
    version: scope.version,
    ruleSetId: scope.ruleSet.id,
    ruleSetVersion: scope.ruleSet.version,
  });
}

/** An entity under one RuleSet: the scope of `compileFlightKey`. */
export type CompileFlightScope = Omit<SingleFlightScope, 'version'>;

/**
 * The single-flight key a compile holds (`OutboxStore.acquireFlights`) while it slices an entity:
 * per (tenant, entityKey, ruleSet), without the version. That contains SPEC §8's scope and also
 * serialises compiles of different versions of one entity, whose racing slicings could leave the
 * inverted index wrong (docs/deploys.md "Single flight"). Hashed like `singleFlightKey`, in a
 * namespace of its own so the two families never share a key.
 */
export function compileFlightKey(scope: CompileFlightScope): string {
  return contentHash('compile-flight', {
    tenantId: scope.tenantId,
    entityKey: scope.entityKey,
    ruleSetId: scope.ruleSet.id,
    ruleSetVersion: scope.ruleSet.version,
  });
}
