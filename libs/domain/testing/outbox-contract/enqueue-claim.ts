import { InvalidOutboxPayloadError, type TaskSpec } from '../../src';
import { claimOne, type ContractContext, taskSpec } from './fixtures';

/** Enqueue (dedupe), claim (order, batches, runAfter), list, get, depth. */
export function describeEnqueueAndClaim({ s }: ContractContext): void {
  describe('enqueue', () => {
    it('stores PENDING tasks, claimable at once, and answers them in input order', async () => {
      const before = await s().now();
      const tasks = await s().outbox.enqueue([taskSpec('j1'), taskSpec('j2', 'SHIP_TASK', 5)]);
      const after = await s().now();
      expect(tasks.map((t) => [t.taskId, t.type, t.status, t.attempt, t.maxAttempts])).toEqual([
        [taskSpec('j1').taskId, 'COMPILE_TASK', 'PENDING', 0, 3],
        [taskSpec('j2', 'SHIP_TASK').taskId, 'SHIP_TASK', 'PENDING', 0, 5],
      ]);
      for (const task of tasks) {
        expect(task).toMatchObject({ leaseOwner: null, leaseUntil: null, lastError: null, runAfter: task.createdAt });
        expect(task.createdAt).toBeGreaterThanOrEqual(before);
        expect(task.createdAt).toBeLessThanOrEqual(after);
      }
      expect(tasks[1]?.payload).toEqual(taskSpec('j2', 'SHIP_TASK').payload);
      await expect(s().outbox.get(taskSpec('j1').taskId)).resolves.toEqual(tasks[0]);
    });

    it('stores a task id once: enqueueing it again (in the same call or later) answers the stored task and changes nothing', async () => {
      const [first] = await s().outbox.enqueue([taskSpec('j1'), taskSpec('j1')]);
      const claimed = await claimOne(s().outbox);
      const other: TaskSpec = { ...taskSpec('j1'), maxAttempts: 9 };
      const again = await s().outbox.enqueue([taskSpec('j2'), other]);
      expect(again[1]).toEqual(claimed.task);
      expect(again[1]).toMatchObject({ status: 'RUNNING', maxAttempts: 3, createdAt: first?.createdAt });
      expect(await s().outbox.list('PENDING', 10)).toEqual([again[0]]);
    });

    it('refuses a payload that is not references only, storing nothing of the call', async () => {
      const spec = taskSpec('j1');
      const withData = { ...taskSpec('j2'), payload: { ...spec.payload, jobId: 'j2', data: { name: 'leak' } } } as unknown as TaskSpec;
      await expect(s().outbox.enqueue([spec, withData])).rejects.toBeInstanceOf(InvalidOutboxPayloadError);
      await expect(s().outbox.get(spec.taskId)).resolves.toBeUndefined();
    });
  });

  describe('claim', () => {
    it('leases the oldest runAfter first, a batch at a time, each with a fresh token and one more attempt', async () => {
      await s().outbox.enqueue([taskSpec('a')]);
      await s().pass(5);
      await s().outbox.enqueue([taskSpec('b')]);
      await s().pass(5);
      await s().outbox.enqueue([taskSpec('c')]);
      const before = await s().now();
      const batch = await s().outbox.claim('w1', 2, 30_000);
      const after = await s().now();
      expect(batch.map((c) => c.task.payload.jobId)).toEqual(['a', 'b']);
      for (const { task, lease } of batch) {
        expect(task).toMatchObject({ status: 'RUNNING', attempt: 1, leaseOwner: 'w1' });
        expect(task.leaseUntil).toBeGreaterThanOrEqual(before + 30_000);
        expect(task.leaseUntil).toBeLessThanOrEqual(after + 30_000);
        expect(lease.taskId).toBe(task.taskId);
        await expect(s().outbox.get(task.taskId)).resolves.toEqual(task);
      }
      expect(new Set(batch.map((c) => c.lease.token)).size).toBe(2);
      expect((await s().outbox.claim('w2', 5, 30_000)).map((c) => c.task.payload.jobId)).toEqual(['c']);
      await expect(s().outbox.claim('w3', 5, 30_000)).resolves.toEqual([]);
    });

    it('claims nothing with limit 0, and refuses a negative limit', async () => {
      await s().outbox.enqueue([taskSpec('a')]);
      await expect(s().outbox.claim('w1', 0, 1_000)).resolves.toEqual([]);
      await expect(s().outbox.claim('w1', -1, 1_000)).rejects.toBeInstanceOf(RangeError);
    });

    it('does not claim a task before its runAfter, and reports how long a claimed task waited', async () => {
      await s().outbox.enqueue([taskSpec('a')]);
      const first = await claimOne(s().outbox);
      await s().outbox.settle([{ kind: 'RETRY', lease: first.lease, delayMs: 60_000, error: { code: 'TRANSIENT', message: 'later' } }]);
      await expect(s().outbox.claim('w1', 5, 1_000)).resolves.toEqual([]);
      await s().outbox.enqueue([taskSpec('b')]);
      await s().pass(100);
      const claimed = await claimOne(s().outbox);
      expect(claimed.task.payload.jobId).toBe('b');
      expect(claimed.waitedMs).toBeGreaterThanOrEqual(100);
      expect(claimed.waitedMs).toBeLessThan(60_000);
    });

    it('claims a retried task once its delay has passed, as its next attempt', async () => {
      await s().outbox.enqueue([taskSpec('a')]);
      const first = await claimOne(s().outbox);
      await s().outbox.settle([{ kind: 'RETRY', lease: first.lease, delayMs: 50, error: { code: 'TRANSIENT', message: 'later' } }]);
      await s().pass(100);
      const second = await claimOne(s().outbox, 'w2');
      expect(second.task).toMatchObject({ taskId: first.task.taskId, attempt: 2, leaseOwner: 'w2' });
      expect(second.lease.token).not.toBe(first.lease.token);
    });
  });

  describe('list, get and depth', () => {
    it('lists one status oldest first up to a limit; get answers undefined for an unknown task', async () => {
      await s().outbox.enqueue([taskSpec('a')]);
      await s().pass(5);
      await s().outbox.enqueue([taskSpec('b'), taskSpec('b', 'SHIP_TASK')]);
      await s().pass(5);
      await s().outbox.enqueue([taskSpec('c')]);
      expect((await s().outbox.list('PENDING', 3)).map((t) => [t.payload.jobId, t.type])).toEqual([
        ['a', 'COMPILE_TASK'],
        ['b', 'COMPILE_TASK'],
        ['b', 'SHIP_TASK'],
      ]);
      await expect(s().outbox.list('DEAD', 10)).resolves.toEqual([]);
      await expect(s().outbox.get('no-such-task')).resolves.toBeUndefined();
    });

    it('counts tasks by type and status', async () => {
      await s().outbox.enqueue([taskSpec('a'), taskSpec('b'), taskSpec('b', 'SHIP_TASK')]);
      await s().outbox.claim('w1', 1, 60_000);
      const depth = await s().outbox.depth();
      expect([...depth].sort((x, y) => `${x.type}${x.status}`.localeCompare(`${y.type}${y.status}`))).toEqual([
        { type: 'COMPILE_TASK', status: 'PENDING', count: 1 },
        { type: 'COMPILE_TASK', status: 'RUNNING', count: 1 },
        { type: 'SHIP_TASK', status: 'PENDING', count: 1 },
      ]);
    });
  });
}
