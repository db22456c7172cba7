import { IllegalStateTransitionError, LEASE_EXPIRED_ERROR, NotFoundError } from '../../src';
import { BOOM, claimOne, type ContractContext, taskSpec } from './fixtures';

/** Heartbeat, release, reap, prune and redrive. */
export function describeLeaseLifecycle({ s }: ContractContext): void {
  describe('heartbeat and release', () => {
    it('heartbeat moves each held lease to database now + leaseMs', async () => {
      await s().outbox.enqueue([taskSpec('a')]);
      const claimed = await claimOne(s().outbox, 'w1', 1_000);
      await s().pass(5);
      const before = await s().now();
      await expect(s().outbox.heartbeat([claimed.lease], 120_000)).resolves.toEqual(['applied']);
      const after = await s().now();
      const task = await s().outbox.get(claimed.task.taskId);
      expect(task).toMatchObject({ status: 'RUNNING', attempt: 1, leaseOwner: 'w1' });
      expect(task?.leaseUntil).toBeGreaterThanOrEqual(before + 120_000);
      expect(task?.leaseUntil).toBeLessThanOrEqual(after + 120_000);
    });

    it('a held lease past its time but not yet reaped can still be extended', async () => {
      await s().outbox.enqueue([taskSpec('a')]);
      const claimed = await claimOne(s().outbox, 'w1', 20);
      await s().pass(50);
      await expect(s().outbox.heartbeat([claimed.lease], 60_000)).resolves.toEqual(['applied']);
      await expect(s().outbox.reap(10)).resolves.toEqual([]);
    });

    it('release gives tasks back PENDING and claimable at once, without counting the attempt', async () => {
      await s().outbox.enqueue([taskSpec('a')]);
      const first = await claimOne(s().outbox);
      await s().outbox.settle([{ kind: 'RETRY', lease: first.lease, delayMs: 0, error: BOOM }]);
      const second = await claimOne(s().outbox);
      expect(second.task.attempt).toBe(2);
      await expect(s().outbox.release([second.lease, first.lease])).resolves.toEqual(['applied', 'fenced']);
      expect(await s().outbox.get(second.task.taskId)).toMatchObject({ status: 'PENDING', attempt: 1, leaseOwner: null, leaseUntil: null, lastError: BOOM });
      const third = await claimOne(s().outbox);
      expect(third.task.attempt).toBe(2);
      await expect(s().outbox.settle([{ kind: 'OK', lease: second.lease }])).resolves.toEqual(['fenced']);
    });
  });

  describe('reap', () => {
    it('takes back expired leases only: PENDING, claimable at once, with LEASE_EXPIRED recorded', async () => {
      await s().outbox.enqueue([taskSpec('short'), taskSpec('long')]);
      const again = await claimOne(s().outbox, 'w1', 30);
      const long = await claimOne(s().outbox, 'w1', 60_000);
      await s().pass(60);
      const before = await s().now();
      const reaped = await s().outbox.reap(10);
      expect(reaped).toEqual([
        { ...again.task, status: 'PENDING', leaseOwner: null, leaseUntil: null, lastError: LEASE_EXPIRED_ERROR, runAfter: reaped[0]?.runAfter },
      ]);
      expect(reaped[0]?.runAfter).toBeGreaterThanOrEqual(before);
      await expect(s().outbox.get(again.task.taskId)).resolves.toEqual(reaped[0]);
      expect((await claimOne(s().outbox, 'w2')).task).toMatchObject({ taskId: again.task.taskId, attempt: 2 });
      await expect(s().outbox.get(long.task.taskId)).resolves.toEqual(long.task);
    });

    it('ends a task DEAD when its last attempt expired, and reaps at most `limit`', async () => {
      await s().outbox.enqueue([taskSpec('a', 'COMPILE_TASK', 1), taskSpec('b', 'COMPILE_TASK', 1)]);
      await s().outbox.claim('w1', 2, 20);
      await s().pass(50);
      const first = await s().outbox.reap(1);
      expect(first).toHaveLength(1);
      expect(first[0]).toMatchObject({ status: 'DEAD', attempt: 1, lastError: LEASE_EXPIRED_ERROR });
      expect(await s().outbox.reap(5)).toHaveLength(1);
      expect((await s().outbox.list('DEAD', 10)).length).toBe(2);
    });
  });

  describe('prune', () => {
    it('deletes SUCCESS tasks settled longer ago than the retention, at most `limit`, and nothing else', async () => {
      await s().outbox.enqueue([taskSpec('a'), taskSpec('b'), taskSpec('c'), taskSpec('d')]);
      const claimed = await s().outbox.claim('w1', 4, 60_000);
      const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((jobId) => claimed.find((t) => t.task.payload.jobId === jobId));
      if (!a || !b || !c || !d) throw new Error('four claims expected');
      await s().outbox.settle([
        { kind: 'OK', lease: a.lease },
        { kind: 'OK', lease: b.lease },
        { kind: 'FAILED', lease: c.lease, error: BOOM },
        { kind: 'DEAD', lease: d.lease, error: BOOM },
      ]);
      await expect(s().outbox.prune(60_000, 10)).resolves.toBe(0);
      await s().pass(60);
      await expect(s().outbox.prune(30, 1)).resolves.toBe(1);
      await expect(s().outbox.prune(30, 10)).resolves.toBe(1);
      await expect(s().outbox.get(a.task.taskId)).resolves.toBeUndefined();
      await expect(s().outbox.get(b.task.taskId)).resolves.toBeUndefined();
      expect((await s().outbox.get(c.task.taskId))?.status).toBe('FAILED');
      expect((await s().outbox.get(d.task.taskId))?.status).toBe('DEAD');
    });
  });

  describe('redrive', () => {
    it('moves a DEAD task to PENDING with a fresh attempt budget, keeping its last error', async () => {
      await s().outbox.enqueue([taskSpec('a', 'COMPILE_TASK', 1)]);
      const claimed = await claimOne(s().outbox);
      await s().outbox.settle([{ kind: 'DEAD', lease: claimed.lease, error: BOOM }]);
      const before = await s().now();
      const task = await s().outbox.redrive(claimed.task.taskId);
      expect(task).toMatchObject({ taskId: claimed.task.taskId, status: 'PENDING', attempt: 0, lastError: BOOM, leaseOwner: null });
      expect(task.runAfter).toBeGreaterThanOrEqual(before);
      await expect(s().outbox.get(task.taskId)).resolves.toEqual(task);
      expect((await claimOne(s().outbox)).task.attempt).toBe(1);
    });

    it('refuses an unknown task (NotFoundError) and one that is not DEAD (IllegalStateTransitionError)', async () => {
      await s().outbox.enqueue([taskSpec('a'), taskSpec('b')]);
      const claimed = await claimOne(s().outbox);
      await s().outbox.settle([{ kind: 'FAILED', lease: claimed.lease, error: BOOM }]);
      await expect(s().outbox.redrive('no-such-task')).rejects.toBeInstanceOf(NotFoundError);
      await expect(s().outbox.redrive(claimed.task.taskId)).rejects.toBeInstanceOf(IllegalStateTransitionError);
      const pending = (await s().outbox.list('PENDING', 1))[0];
      await expect(s().outbox.redrive(pending?.taskId ?? '')).rejects.toBeInstanceOf(IllegalStateTransitionError);
      expect((await s().outbox.get(claimed.task.taskId))?.status).toBe('FAILED');
    });
  });
}
