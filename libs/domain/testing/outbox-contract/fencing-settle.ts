import { IllegalStateTransitionError, NotFoundError, type ClaimedTask, type Lease } from '../../src';
import { BOOM, claimOne, type ContractContext, createCommand, NO_SHIP_AXES, TENANT, taskSpec } from './fixtures';

/** Fencing tokens, settle with and without follow-ups, and advance. */
export function describeFencingAndSettle({ s }: ContractContext): void {
  /** A task whose first attempt (`stale`) lost its lease to a second attempt (`current`). */
  async function supersededAttempt(): Promise<{ stale: ClaimedTask; current: ClaimedTask }> {
    await s().jobs.create(createCommand('j1'));
    const stale = await claimOne(s().outbox, 'slow', 50);
    await s().pass(100);
    expect((await s().outbox.reap(10)).map((t) => t.status)).toEqual(['PENDING']);
    const current = await claimOne(s().outbox, 'fast', 60_000);
    return { stale, current };
  }

  describe('fencing', () => {
    it('refuses settle, heartbeat, advance and release with a superseded token, writing nothing', async () => {
      const { stale, current } = await supersededAttempt();
      const settles = [
        {
          kind: 'OK' as const,
          lease: stale.lease,
          followUp: { steps: [{ tenantId: TENANT, jobId: 'j1', from: 'QUEUED' as const, to: 'RUNNING' as const }], enqueue: [taskSpec('x')] },
        },
        { kind: 'RETRY' as const, lease: stale.lease, delayMs: 0, error: BOOM },
        { kind: 'FAILED' as const, lease: stale.lease, error: BOOM },
        { kind: 'DEAD' as const, lease: stale.lease, error: BOOM },
      ];
      for (const settlement of settles) await expect(s().outbox.settle([settlement])).resolves.toEqual(['fenced']);
      await expect(s().outbox.heartbeat([stale.lease], 600_000)).resolves.toEqual(['fenced']);
      await expect(s().outbox.advance(stale.lease, [{ tenantId: TENANT, jobId: 'j1', from: 'QUEUED', to: 'RUNNING' }])).resolves.toBe('fenced');
      await expect(s().outbox.release([stale.lease])).resolves.toEqual(['fenced']);

      await expect(s().outbox.get(current.task.taskId)).resolves.toEqual(current.task);
      expect((await s().jobs.get(TENANT, 'j1'))?.state).toBe('QUEUED');
      await expect(s().outbox.get(taskSpec('x').taskId)).resolves.toBeUndefined();
      await expect(s().outbox.settle([{ kind: 'OK', lease: current.lease }])).resolves.toEqual(['applied']);
    });

    it('refuses a token nobody was given, an unknown task, and a second settle of the same attempt', async () => {
      await s().outbox.enqueue([taskSpec('a')]);
      const claimed = await claimOne(s().outbox);
      const made: Lease = { taskId: claimed.task.taskId, token: 'not-a-token' };
      await expect(s().outbox.settle([{ kind: 'OK', lease: made }])).resolves.toEqual(['fenced']);
      await expect(s().outbox.heartbeat([{ taskId: 'no-such-task', token: claimed.lease.token }], 1_000)).resolves.toEqual(['fenced']);
      await expect(s().outbox.settle([{ kind: 'OK', lease: claimed.lease }])).resolves.toEqual(['applied']);
      await expect(s().outbox.settle([{ kind: 'FAILED', lease: claimed.lease, error: BOOM }])).resolves.toEqual(['fenced']);
      expect((await s().outbox.get(claimed.task.taskId))?.status).toBe('SUCCESS');
    });

    it('fences each settlement of a batch on its own and answers in input order', async () => {
      await s().outbox.enqueue([taskSpec('a'), taskSpec('b'), taskSpec('c')]);
      const [a, b, c] = await s().outbox.claim('w1', 3, 60_000);
      if (!a || !b || !c) throw new Error('three claims expected');
      const results = await s().outbox.settle([
        { kind: 'OK', lease: a.lease },
        { kind: 'OK', lease: { ...b.lease, token: c.lease.token } },
        { kind: 'FAILED', lease: c.lease, error: BOOM },
        { kind: 'OK', lease: a.lease },
      ]);
      expect(results).toEqual(['applied', 'fenced', 'applied', 'fenced']);
      expect((await s().outbox.get(a.task.taskId))?.status).toBe('SUCCESS');
      expect((await s().outbox.get(b.task.taskId))?.status).toBe('RUNNING');
      expect((await s().outbox.get(c.task.taskId))?.status).toBe('FAILED');
    });
  });

  describe('settle', () => {
    it('OK: SUCCESS with the lease released', async () => {
      await s().outbox.enqueue([taskSpec('a')]);
      const claimed = await claimOne(s().outbox);
      await s().outbox.settle([{ kind: 'OK', lease: claimed.lease }]);
      expect(await s().outbox.get(claimed.task.taskId)).toEqual({ ...claimed.task, status: 'SUCCESS', leaseOwner: null, leaseUntil: null });
    });

    it('OK with a follow-up: applies the job steps in order (database times) and enqueues the next task, in one go', async () => {
      await s().jobs.create(createCommand('j1'));
      const claimed = await claimOne(s().outbox);
      await expect(s().outbox.advance(claimed.lease, [{ tenantId: TENANT, jobId: 'j1', from: 'QUEUED', to: 'RUNNING' }])).resolves.toBe('applied');
      await s().pass(5);
      const { before, after } = await between(async () =>
        s().outbox.settle([
          {
            kind: 'OK',
            lease: claimed.lease,
            followUp: {
              steps: [
                { tenantId: TENANT, jobId: 'j1', from: 'QUEUED', to: 'RUNNING' },
                { tenantId: TENANT, jobId: 'j1', from: 'RUNNING', to: 'READY' },
              ],
              enqueue: [taskSpec('j1', 'SHIP_TASK')],
            },
          },
        ]),
      );
      const job = await s().jobs.get(TENANT, 'j1');
      expect(job?.state).toBe('READY');
      expect(job?.transitions.map((t) => t.state)).toEqual(['QUEUED', 'RUNNING', 'READY']);
      const ready = job?.transitions[2]?.at ?? 0;
      expect(ready).toBeGreaterThanOrEqual(before);
      expect(ready).toBeLessThanOrEqual(after);
      expect(job?.transitions[1]?.at).toBeLessThan(ready);
      expect(job?.tasks.map((t) => [t.type, t.status, t.attempt])).toEqual([
        ['COMPILE_TASK', 'SUCCESS', 1],
        ['SHIP_TASK', 'PENDING', 0],
      ]);
      expect((await claimOne(s().outbox)).task.type).toBe('SHIP_TASK');
    });

    it('an illegal step rolls back the whole settle: every task of the call, the job and the enqueue', async () => {
      await s().jobs.create(createCommand('j1', { axes: NO_SHIP_AXES, enter: ['RUNNING'] }));
      await s().outbox.enqueue([taskSpec('other')]);
      const [first, second] = await s().outbox.claim('w1', 2, 60_000);
      if (!first || !second) throw new Error('two claims expected');
      const settle = s().outbox.settle([
        { kind: 'OK', lease: first.lease },
        {
          kind: 'OK',
          lease: second.lease,
          followUp: {
            steps: [
              { tenantId: TENANT, jobId: 'j1', from: 'RUNNING', to: 'READY' },
              { tenantId: TENANT, jobId: 'j1', from: 'READY', to: 'SINKING' },
            ],
            enqueue: [taskSpec('j1', 'SHIP_TASK')],
          },
        },
      ]);
      await expect(settle).rejects.toBeInstanceOf(IllegalStateTransitionError);
      await expect(s().outbox.get(first.task.taskId)).resolves.toEqual(first.task);
      await expect(s().outbox.get(second.task.taskId)).resolves.toEqual(second.task);
      const job = await s().jobs.get(TENANT, 'j1');
      expect(job?.state).toBe('RUNNING');
      expect(job?.transitions.map((t) => t.state)).toEqual(['QUEUED', 'RUNNING']);
      await expect(s().outbox.get(taskSpec('j1', 'SHIP_TASK').taskId)).resolves.toBeUndefined();
      await expect(s().outbox.heartbeat([first.lease, second.lease], 60_000)).resolves.toEqual(['applied', 'applied']);
    });

    it('a step on a job that is neither in its from nor its to state is illegal; a step on an unknown job is NotFound', async () => {
      await s().jobs.create(createCommand('j1'));
      const claimed = await claimOne(s().outbox);
      const skip = { tenantId: TENANT, jobId: 'j1', from: 'RUNNING' as const, to: 'READY' as const };
      await expect(s().outbox.advance(claimed.lease, [skip])).rejects.toBeInstanceOf(IllegalStateTransitionError);
      await expect(s().outbox.advance(claimed.lease, [{ ...skip, jobId: 'nope', from: 'QUEUED', to: 'RUNNING' }])).rejects.toBeInstanceOf(NotFoundError);
      await expect(
        s().outbox.settle([{ kind: 'OK', lease: claimed.lease, followUp: { steps: [{ ...skip, jobId: 'nope' }], enqueue: [] } }]),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect((await s().outbox.get(claimed.task.taskId))?.status).toBe('RUNNING');
      expect((await s().jobs.get(TENANT, 'j1'))?.state).toBe('QUEUED');
    });

    it('skips a step the job has already taken (an earlier attempt applied it) without a second transition', async () => {
      await s().jobs.create(createCommand('j1'));
      const claimed = await claimOne(s().outbox);
      const start = { tenantId: TENANT, jobId: 'j1', from: 'QUEUED' as const, to: 'RUNNING' as const };
      await expect(s().outbox.advance(claimed.lease, [start])).resolves.toBe('applied');
      await expect(s().outbox.advance(claimed.lease, [start, start])).resolves.toBe('applied');
      expect((await s().jobs.get(TENANT, 'j1'))?.transitions.map((t) => t.state)).toEqual(['QUEUED', 'RUNNING']);
    });

    it('RETRY: PENDING again, not before database now + delayMs, with the error recorded and the attempt kept', async () => {
      await s().outbox.enqueue([taskSpec('a')]);
      const claimed = await claimOne(s().outbox);
      const { before, after } = await between(() => s().outbox.settle([{ kind: 'RETRY', lease: claimed.lease, delayMs: 60_000, error: BOOM }]));
      const task = await s().outbox.get(claimed.task.taskId);
      expect(task).toMatchObject({ status: 'PENDING', attempt: 1, lastError: BOOM, leaseOwner: null, leaseUntil: null });
      expect(task?.runAfter).toBeGreaterThanOrEqual(before + 60_000);
      expect(task?.runAfter).toBeLessThanOrEqual(after + 60_000);
    });

    it('RETRY of the last attempt ends DEAD; FAILED and DEAD settle with their error and follow-up', async () => {
      await s().jobs.create(createCommand('j1', { tasks: [taskSpec('j1', 'COMPILE_TASK', 1)], enter: ['RUNNING'] }));
      await s().outbox.enqueue([taskSpec('b'), taskSpec('c')]);
      const claimed = await s().outbox.claim('w1', 3, 60_000);
      const [last, b, c] = ['j1', 'b', 'c'].map((jobId) => claimed.find((t) => t.task.payload.jobId === jobId));
      if (!last || !b || !c) throw new Error('three claims expected');
      const failure = { code: 'INVARIANT_VIOLATION', message: 'broken' };
      await s().outbox.settle([
        { kind: 'RETRY', lease: last.lease, delayMs: 0, error: BOOM },
        {
          kind: 'FAILED',
          lease: b.lease,
          error: failure,
          followUp: { steps: [{ tenantId: TENANT, jobId: 'j1', from: 'RUNNING', to: 'FAILED', error: failure }], enqueue: [] },
        },
        { kind: 'DEAD', lease: c.lease, error: BOOM },
      ]);
      expect(await s().outbox.get(last.task.taskId)).toMatchObject({ status: 'DEAD', lastError: BOOM, leaseOwner: null });
      expect(await s().outbox.get(b.task.taskId)).toMatchObject({ status: 'FAILED', lastError: failure });
      expect(await s().outbox.get(c.task.taskId)).toMatchObject({ status: 'DEAD', lastError: BOOM });
      expect((await s().outbox.list('DEAD', 10)).map((t) => t.taskId).sort()).toEqual([last.task.taskId, c.task.taskId].sort());
      const job = await s().jobs.get(TENANT, 'j1');
      expect(job).toMatchObject({ state: 'FAILED', error: failure });
      expect(job?.tasks).toEqual([{ taskId: last.task.taskId, type: 'COMPILE_TASK', status: 'DEAD', attempt: 1, lastError: BOOM }]);
    });
  });

  async function between<T>(body: () => Promise<T>): Promise<{ before: number; after: number }> {
    const before = await s().now();
    await body();
    return { before, after: await s().now() };
  }
}
