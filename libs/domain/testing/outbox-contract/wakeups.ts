import { BOOM, claimOne, type ContractContext, createCommand, eventually, taskSpec } from './fixtures';

/** TaskWakeups: a call per write that makes tasks claimable, with their count, and none for delayed ones. */
export function describeWakeups({ s }: ContractContext): void {
  describe('wake-ups', () => {
    it('tells subscribers how many tasks became claimable, and nothing for a delayed retry', async () => {
      const counts: number[] = [];
      const unsubscribe = await s().wakeups.subscribe((count) => counts.push(count));
      const expectCounts = async (expected: number[]): Promise<void> => eventually(() => expect(counts).toEqual(expected));
      try {
        await s().outbox.enqueue([taskSpec('a'), taskSpec('b')]);
        await expectCounts([2]);
        await s().outbox.enqueue([taskSpec('a')]);
        const first = await claimOne(s().outbox, 'w1', 30);
        await s().outbox.settle([{ kind: 'RETRY', lease: (await claimOne(s().outbox)).lease, delayMs: 60_000, error: BOOM }]);
        await s().pass(60);
        await s().outbox.reap(10);
        await expectCounts([2, 1]);
        const again = await claimOne(s().outbox);
        expect(again.task.taskId).toBe(first.task.taskId);
        await s().outbox.release([again.lease]);
        await expectCounts([2, 1, 1]);
        await s().jobs.create(createCommand('j1', { tasks: [taskSpec('j1'), taskSpec('j1', 'SHIP_TASK')], claimFirst: { owner: 'api', leaseMs: 60_000 } }));
        await expectCounts([2, 1, 1, 1]);
      } finally {
        await unsubscribe();
      }
      await s().outbox.enqueue([taskSpec('z')]);
      await s().pass(50);
      expect(counts).toEqual([2, 1, 1, 1]);
    });

    it('wakes for tasks a settle enqueues and for a redrive', async () => {
      const counts: number[] = [];
      const unsubscribe = await s().wakeups.subscribe((count) => counts.push(count));
      try {
        const created = await s().jobs.create(createCommand('j1', { claimFirst: { owner: 'api', leaseMs: 60_000 } }));
        if (!created.created || !created.claimed) throw new Error('a claimed task expected');
        await s().outbox.settle([{ kind: 'OK', lease: created.claimed.lease, followUp: { steps: [], enqueue: [taskSpec('j1', 'SHIP_TASK', 1)] } }]);
        await eventually(() => expect(counts).toEqual([1]));
        const ship = await claimOne(s().outbox);
        await s().outbox.settle([{ kind: 'DEAD', lease: ship.lease, error: BOOM }]);
        await s().outbox.redrive(ship.task.taskId);
        await eventually(() => expect(counts).toEqual([1, 1]));
      } finally {
        await unsubscribe();
      }
    });
  });
}
