import fc from 'fast-check';
import { IllegalStateTransitionError, InvariantViolationError, LeaseLostError, TransientError } from '../errors';
import { OK_OUTCOME } from './outcome';
import { canTaskTransition, newOutboxTask, type OutboxTask } from './outbox-task';
import {
  applyOutcome,
  claimTask,
  completeTask,
  extendTaskLease,
  failTask,
  isClaimable,
  isLeaseExpired,
  markTaskDead,
  reapTask,
  redriveTask,
  retryTask,
} from './outbox-task-lifecycle';
import { nextOutcome } from './retry';

const boom = { code: 'TRANSIENT', message: 'socket hang up' };
const fresh = (maxAttempts = 3): OutboxTask =>
  newOutboxTask({
    type: 'COMPILE_TASK',
    payload: { tenantId: 'demo', jobId: 'job-1', entities: [{ entityKey: 'product#A', version: 1 }], sinkIds: [] },
    createdAt: 100,
    maxAttempts,
  });

describe('outbox task lifecycle', () => {
  it('claims a due PENDING task: RUNNING, leased, one more attempt', () => {
    const task = fresh();
    expect(isClaimable(task, 99)).toBe(false);
    expect(isClaimable(task, 100)).toBe(true);
    expect(claimTask(task, 'w1', 30_000, 100)).toMatchObject({ status: 'RUNNING', attempt: 1, leaseOwner: 'w1', leaseUntil: 30_100 });
  });

  it('settles a RUNNING task and releases its lease', () => {
    const running = claimTask(fresh(), 'w1', 1_000, 100);
    const released = { leaseOwner: null, leaseUntil: null };
    expect(completeTask(running, 'w1')).toMatchObject({ status: 'SUCCESS', ...released });
    expect(retryTask(running, 'w1', 5_000, boom)).toMatchObject({ status: 'PENDING', runAfter: 5_000, lastError: boom, ...released });
    expect(failTask(running, 'w1', boom)).toMatchObject({ status: 'FAILED', lastError: boom, ...released });
    expect(markTaskDead(running, 'w1', boom)).toMatchObject({ status: 'DEAD', lastError: boom, ...released });
  });

  it('lets only the lease holder settle or extend', () => {
    const running = claimTask(fresh(), 'w1', 1_000, 100);
    expect(() => completeTask(running, 'w2')).toThrow(LeaseLostError);
    expect(() => extendTaskLease(running, 'w2', 1_000, 500)).toThrow(LeaseLostError);
    expect(extendTaskLease(running, 'w1', 1_000, 500).leaseUntil).toBe(1_500);
  });

  it('rejects settling a task that is not RUNNING', () => {
    expect(() => completeTask(fresh(), 'w1')).toThrow(IllegalStateTransitionError);
    expect(() => claimTask(completeTask(claimTask(fresh(), 'w1', 1, 0), 'w1'), 'w1', 1, 0)).toThrow(IllegalStateTransitionError);
  });

  it('refuses to retry the last attempt', () => {
    const last = claimTask(fresh(1), 'w1', 1_000, 100);
    expect(() => retryTask(last, 'w1', 200, boom)).toThrow(IllegalStateTransitionError);
  });

  it('reaps an expired lease back to PENDING, or to DEAD on the last attempt', () => {
    const running = claimTask(fresh(2), 'w1', 1_000, 100);
    expect(isLeaseExpired(running, 1_099)).toBe(false);
    expect(() => reapTask(running, 1_099)).toThrow(IllegalStateTransitionError);
    const reaped = reapTask(running, 1_100);
    expect(reaped).toMatchObject({ status: 'PENDING', runAfter: 1_100, leaseOwner: null, lastError: { code: 'LEASE_EXPIRED' } });
    const lastRun = claimTask(reaped, 'w2', 1_000, 1_100);
    expect(reapTask(lastRun, 2_100).status).toBe('DEAD');
    // the stale worker finds out it lost the task
    expect(() => completeTask(lastRun, 'w1')).toThrow(LeaseLostError);
  });

  it('re-drives only DEAD tasks, with a fresh attempt budget', () => {
    const dead = markTaskDead(claimTask(fresh(), 'w1', 1_000, 100), 'w1', boom);
    expect(redriveTask(dead, 9_000)).toMatchObject({ status: 'PENDING', attempt: 0, runAfter: 9_000, lastError: boom });
    const failed = failTask(claimTask(fresh(), 'w1', 1_000, 100), 'w1', boom);
    expect(() => redriveTask(failed, 9_000)).toThrow(IllegalStateTransitionError);
    expect(() => redriveTask(fresh(), 9_000)).toThrow(IllegalStateTransitionError);
  });

  it('applies outcomes: OK → SUCCESS, invariant → FAILED, transient → PENDING later, exhausted → DEAD', () => {
    const running = claimTask(fresh(2), 'w1', 1_000, 100);
    expect(applyOutcome(running, 'w1', OK_OUTCOME, 200).status).toBe('SUCCESS');
    expect(applyOutcome(running, 'w1', nextOutcome(running, new InvariantViolationError('bad')), 200).status).toBe('FAILED');
    const retried = applyOutcome(running, 'w1', nextOutcome(running, new TransientError('slow')), 200);
    expect(retried.status).toBe('PENDING');
    expect(retried.runAfter).toBeGreaterThan(200);
    const last = claimTask(retried, 'w1', 1_000, retried.runAfter);
    expect(applyOutcome(last, 'w1', nextOutcome(last, new TransientError('slow')), 300).status).toBe('DEAD');
  });

  it('keeps every task invariant under random worker, reaper and operator actions (property)', () => {
    const owner = fc.constantFrom('w1', 'w2');
    const action = fc.oneof(
      fc.record({ op: fc.constant('claim' as const), owner, leaseMs: fc.integer({ min: 1, max: 5_000 }) }),
      fc.record({
        op: fc.constant('run' as const),
        owner,
        error: fc.constantFrom<unknown>(null, new TransientError('t'), new InvariantViolationError('i'), new Error('x')),
      }),
      fc.record({ op: fc.constant('extend' as const), owner, leaseMs: fc.integer({ min: 1, max: 5_000 }) }),
      fc.record({ op: fc.constant('reap' as const) }),
      fc.record({ op: fc.constant('redrive' as const) }),
    );
    const step = fc.tuple(action, fc.integer({ min: 0, max: 10_000 }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(step, { maxLength: 40 }), (maxAttempts, steps) => {
        let task = fresh(maxAttempts);
        let now = 100;
        for (const [act, elapse] of steps) {
          now += elapse;
          const before = task;
          try {
            if (act.op === 'claim') task = isClaimable(task, now) ? claimTask(task, act.owner, act.leaseMs, now) : task;
            else if (act.op === 'run') task = applyOutcome(task, act.owner, act.error === null ? OK_OUTCOME : nextOutcome(task, act.error), now);
            else if (act.op === 'extend') task = extendTaskLease(task, act.owner, act.leaseMs, now);
            else if (act.op === 'reap') task = isLeaseExpired(task, now) ? reapTask(task, now) : task;
            else task = redriveTask(task, now);
          } catch (error) {
            expect(error instanceof IllegalStateTransitionError || error instanceof LeaseLostError).toBe(true);
            expect(task).toBe(before);
          }
          if (task.status !== before.status) expect(canTaskTransition(before.status, task.status)).toBe(true);
          expect(task.leaseOwner !== null).toBe(task.status === 'RUNNING');
          expect(task.leaseUntil !== null).toBe(task.status === 'RUNNING');
          expect(task.attempt).toBeLessThanOrEqual(task.maxAttempts);
          expect(task.taskId).toBe(before.taskId);
        }
      }),
      { seed: 8_007, numRuns: 300 },
    );
  });
});
