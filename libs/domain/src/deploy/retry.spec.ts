import fc from 'fast-check';
import {
  ConcurrencyConflictError,
  IncrementalBaseMismatchError,
  ItemTooLargeError,
  StoreCorruptItemError,
  StoreUnavailableError,
  InvariantViolationError,
  LeaseLostError,
  SliceMissingError,
  SinkUnavailableError,
  SliceWriteConflictError,
  TransientError,
  VersionConflictError,
} from '../errors';
import { claimTask } from './outbox-task-lifecycle';
import { newOutboxTask, type OutboxTask } from './outbox-task';
import {
  DEFAULT_RETRY_POLICY,
  backoffDelayMs,
  classify,
  jitteredDelayMs,
  nextOutcome,
  retryPolicy,
  singleFlightKey,
  toTaskError,
  compileFlightKey,
} from './retry';

const taskAt = (attempt: number, maxAttempts = 10): OutboxTask => {
  const task = newOutboxTask({
    type: 'SHIP_TASK',
    payload: { tenantId: 'demo', jobId: 'job-1', entities: [{ entityKey: 'product#A', version: 1 }], sinkIds: ['s'] },
    createdAt: 0,
    maxAttempts,
  });
  return { ...claimTask(task, 'w1', 1_000, 0), attempt };
};

describe('classify', () => {
  it.each<[string, unknown, string]>([
    ['TransientError', new TransientError('throttled'), 'TRANSIENT'],
    ['InvariantViolationError', new InvariantViolationError('bad'), 'INVARIANT_VIOLATION'],
    ['ConcurrencyConflictError', new ConcurrencyConflictError('busy'), 'CONCURRENCY_CONFLICT'],
    ['SliceWriteConflictError', new SliceWriteConflictError('k'), 'CONCURRENCY_CONFLICT'],
    ['LeaseLostError', new LeaseLostError('t', 'w'), 'CONCURRENCY_CONFLICT'],
    ['a deterministic domain error (SliceMissing)', new SliceMissingError('v', 'product#A', ['CORE']), 'INVARIANT_VIOLATION'],
    ['a deterministic domain error (VersionConflict)', new VersionConflictError('product#A', 1), 'INVARIANT_VIOLATION'],
    ['StoreUnavailableError (a store did not answer)', new StoreUnavailableError('GetItem', 'timed out'), 'TRANSIENT'],
    ['StoreCorruptItemError (never retried: the item stays corrupt)', new StoreCorruptItemError('ivm_heads', 'lv'), 'INVARIANT_VIOLATION'],
    ['ItemTooLargeError (the same record stays too large)', new ItemTooLargeError('product#A version 1', 500_000, 409_600), 'INVARIANT_VIOLATION'],
    ['IncrementalBaseMismatchError', new IncrementalBaseMismatchError('product#A', 3, 1, 2), 'INVARIANT_VIOLATION'],
    ['an unknown Error (I/O below the adapters)', new Error('ECONNRESET'), 'TRANSIENT'],
    ['a thrown non-Error', 'oops', 'TRANSIENT'],
  ])('%s → %s', (_name, error, expected) => {
    expect(classify(error)).toBe(expected);
  });

  it('is total: every thrown value gets a class and a recordable error (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (thrown) => {
        expect(['TRANSIENT', 'INVARIANT_VIOLATION', 'CONCURRENCY_CONFLICT']).toContain(classify(thrown));
        const recorded = toTaskError(thrown);
        expect(typeof recorded.code).toBe('string');
        expect(typeof recorded.message).toBe('string');
      }),
      { seed: 8_008, numRuns: 300 },
    );
  });
});

describe('backoff', () => {
  const policyArb = fc
    .record({
      baseDelayMs: fc.integer({ min: 0, max: 10_000 }),
      factor: fc.double({ min: 1, max: 10, noNaN: true }),
      extra: fc.integer({ min: 0, max: 1_000_000 }),
      jitterRatio: fc.double({ min: 0, max: 0.99, noNaN: true }),
    })
    .map(({ baseDelayMs, factor, extra, jitterRatio }) => retryPolicy({ baseDelayMs, factor, maxDelayMs: baseDelayMs + extra, jitterRatio }));

  it('follows 1 s · 2^(attempt−1), capped at 5 min, by default', () => {
    expect([1, 2, 3, 9, 10, 50, 5_000].map((n) => backoffDelayMs(n))).toEqual([1_000, 2_000, 4_000, 256_000, 300_000, 300_000, 300_000]);
  });

  it('is non-decreasing in attempt and never above the cap (property)', () => {
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 1, max: 2_000 }), (policy, attempt) => {
        const now = backoffDelayMs(attempt, policy);
        expect(now).toBeLessThanOrEqual(backoffDelayMs(attempt + 1, policy));
        expect(now).toBeLessThanOrEqual(policy.maxDelayMs);
        expect(now).toBeGreaterThanOrEqual(0);
      }),
      { seed: 8_009, numRuns: 500 },
    );
  });

  it('jitters deterministically within [delay·(1−ratio), delay] (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300_000 }),
        fc.string(),
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        (delay, taskId, attempt, ratio) => {
          const jittered = jitteredDelayMs(delay, taskId, attempt, ratio);
          expect(jittered).toBe(jitteredDelayMs(delay, taskId, attempt, ratio));
          expect(jittered).toBeLessThanOrEqual(delay);
          expect(jittered).toBeGreaterThanOrEqual(Math.floor(delay * (1 - ratio)));
        },
      ),
      { seed: 8_010, numRuns: 500 },
    );
  });

  it('spreads tasks that fail together', () => {
    const delays = new Set(Array.from({ length: 20 }, (_, i) => jitteredDelayMs(10_000, `task-${i}`, 1, 0.2)));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('rejects a policy setting out of range, by name', () => {
    expect(() => retryPolicy({ factor: 0.5 })).toThrow(/factor/);
    expect(() => retryPolicy({ jitterRatio: 1 })).toThrow(/jitterRatio/);
    expect(() => retryPolicy({ maxDelayMs: 10, baseDelayMs: 100 })).toThrow(/maxDelayMs/);
  });
});

describe('nextOutcome', () => {
  it('fails an invariant violation at once, whatever attempts are left', () => {
    expect(nextOutcome(taskAt(1), new InvariantViolationError('bad'))).toMatchObject({
      kind: 'FAIL',
      status: 'FAILED',
      error: { code: 'INVARIANT_VIOLATION' },
    });
  });

  it('retries a transient error after the jittered backoff of its attempt', () => {
    const task = taskAt(3);
    const outcome = nextOutcome(task, new TransientError('throttled'));
    const delayMs = jitteredDelayMs(4_000, task.taskId, 3, DEFAULT_RETRY_POLICY.jitterRatio);
    expect(outcome).toEqual({ kind: 'RETRY', delayMs, error: { code: 'TRANSIENT', message: 'throttled' } });
  });

  it('waits the conflict delay after a first concurrency conflict, and longer after each further one', () => {
    const delays = [1, 2, 5].map((attempt) => nextOutcome(taskAt(attempt), new ConcurrencyConflictError('single-flight held')));
    const { conflictDelayMs, jitterRatio } = DEFAULT_RETRY_POLICY;
    expect(delays.map((o) => o.kind)).toEqual(['RETRY', 'RETRY', 'RETRY']);
    const [first, second, fifth] = delays.map((o) => (o.kind === 'RETRY' ? o.delayMs : NaN)) as [number, number, number];
    expect(first).toBeLessThanOrEqual(conflictDelayMs);
    expect(first).toBeGreaterThanOrEqual(conflictDelayMs * (1 - jitterRatio));
    expect(second).toBeGreaterThanOrEqual(2 * conflictDelayMs * (1 - jitterRatio));
    expect(fifth).toBeGreaterThanOrEqual(16 * conflictDelayMs * (1 - jitterRatio));
    expect(fifth).toBeLessThanOrEqual(16 * conflictDelayMs);
  });

  it("waits at least as long as an unavailable sink asked (an open circuit breaker's remaining period), never less than the backoff", () => {
    const asked = nextOutcome(taskAt(1), new SinkUnavailableError('search', [{ docId: 'd', reason: 'circuit open' }], { retryAfterMs: 45_000 }));
    expect(asked).toMatchObject({ kind: 'RETRY', delayMs: 45_000, error: { code: 'SINK_UNAVAILABLE' } });
    const late = nextOutcome(taskAt(9), new SinkUnavailableError('search', [{ docId: 'd', reason: 'circuit open' }], { retryAfterMs: 10 }));
    expect(late.kind === 'RETRY' && late.delayMs).toBeGreaterThanOrEqual(backoffDelayMs(9) * (1 - DEFAULT_RETRY_POLICY.jitterRatio));
  });

  it('marks the task DEAD when its attempts are exhausted', () => {
    expect(nextOutcome(taskAt(4, 4), new Error('ECONNRESET'))).toMatchObject({ kind: 'FAIL', status: 'DEAD', error: { code: 'UNCLASSIFIED_ERROR' } });
  });

  it('never retries past maxAttempts nor fails a retryable error early, and retries after the jittered schedule (property)', () => {
    const error = fc.constantFrom<unknown>(new TransientError('t'), new ConcurrencyConflictError('c'), new InvariantViolationError('i'), new Error('e'), 42);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), error, (attempt, maxAttempts, thrown) => {
        fc.pre(attempt <= maxAttempts);
        const task = taskAt(attempt, maxAttempts);
        const outcome = nextOutcome(task, thrown);
        const errorClass = classify(thrown);
        if (errorClass === 'INVARIANT_VIOLATION') expect(outcome).toMatchObject({ kind: 'FAIL', status: 'FAILED' });
        else if (attempt === maxAttempts) expect(outcome).toMatchObject({ kind: 'FAIL', status: 'DEAD' });
        else {
          const base = backoffDelayMs(
            attempt,
            errorClass === 'TRANSIENT' ? DEFAULT_RETRY_POLICY : { ...DEFAULT_RETRY_POLICY, baseDelayMs: DEFAULT_RETRY_POLICY.conflictDelayMs },
          );
          expect(outcome).toEqual({
            kind: 'RETRY',
            delayMs: jitteredDelayMs(base, task.taskId, attempt, DEFAULT_RETRY_POLICY.jitterRatio),
            error: toTaskError(thrown),
          });
        }
      }),
      { seed: 8_011, numRuns: 500 },
    );
  });

  it('is a function of the task, the error and the policy only: a retry is a duration, never a time', () => {
    const task = taskAt(2);
    const first = nextOutcome(task, new TransientError('slow'));
    expect(nextOutcome(task, new TransientError('slow'))).toEqual(first);
    expect(Object.keys(first).sort()).toEqual(['delayMs', 'error', 'kind']);
  });
});

describe('singleFlightKey', () => {
  const scope = { tenantId: 'demo', entityKey: 'product#A', version: 3, ruleSet: { id: 'product', version: '1.0.0' } };

  it('is a deterministic hash of (tenant, entityKey, version, ruleSet)', () => {
    expect(singleFlightKey(scope)).toBe(singleFlightKey({ ...scope, ruleSet: { version: '1.0.0', id: 'product' } }));
    expect(singleFlightKey(scope)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs when any part differs', () => {
    const variants = [
      { tenantId: 'other' },
      { entityKey: 'product#B' },
      { version: 4 },
      { ruleSet: { id: 'product', version: '1.1.0' } },
      { ruleSet: { id: 'brand', version: '1.0.0' } },
    ];
    for (const change of variants) expect(singleFlightKey({ ...scope, ...change })).not.toBe(singleFlightKey(scope));
  });
});

describe('compileFlightKey', () => {
  const scope = { tenantId: 'demo', entityKey: 'product#A', ruleSet: { id: 'product', version: '1.0.0' } };

  it('is a deterministic hash of (tenant, entityKey, ruleSet): every version of the entity shares it', () => {
    expect(compileFlightKey(scope)).toBe(compileFlightKey({ ...scope, ruleSet: { version: '1.0.0', id: 'product' } }));
    expect(compileFlightKey(scope)).toMatch(/^[0-9a-f]{64}$/);
    expect(compileFlightKey({ ...scope, version: 4 } as typeof scope)).toBe(compileFlightKey(scope));
  });

  it('differs when any part differs, and from every version-scoped singleFlightKey', () => {
    const variants = [
      { tenantId: 'other' },
      { entityKey: 'product#B' },
      { ruleSet: { id: 'product', version: '1.1.0' } },
      { ruleSet: { id: 'brand', version: '1.0.0' } },
    ];
    for (const change of variants) expect(compileFlightKey({ ...scope, ...change })).not.toBe(compileFlightKey(scope));
    expect(compileFlightKey(scope)).not.toBe(singleFlightKey({ ...scope, version: 1 }));
  });
});
