import { IdempotencyKeyReusedError, IllegalStateTransitionError, InvariantViolationError } from '../../src';
import { BOOM, claimOne, type ContractContext, createCommand, SHIP_AXES, TENANT, taskSpec } from './fixtures';

/** DeployJobStore: create (enter, claimFirst, idempotency), get, task summaries. */
export function describeDeployJobs({ s }: ContractContext): void {
  describe('deploy jobs', () => {
    it('creates a QUEUED job with its PENDING task, at database time', async () => {
      const before = await s().now();
      const result = await s().jobs.create(createCommand('j1'));
      const after = await s().now();
      expect(result.created).toBe(true);
      expect(result).not.toHaveProperty('claimed');
      const { job } = result;
      expect(job).toMatchObject({ tenantId: TENANT, jobId: 'j1', axes: SHIP_AXES, records: [{ entityKey: 'product#P1', version: 1 }], state: 'QUEUED' });
      expect(job.error).toBeUndefined();
      expect(job.transitions).toEqual([{ state: 'QUEUED', at: job.createdAt }]);
      expect(job.createdAt).toBeGreaterThanOrEqual(before);
      expect(job.createdAt).toBeLessThanOrEqual(after);
      expect(job.tasks).toEqual([{ taskId: taskSpec('j1').taskId, type: 'COMPILE_TASK', status: 'PENDING', attempt: 0, lastError: null }]);
      await expect(s().jobs.get(TENANT, 'j1')).resolves.toEqual(job);
      expect((await claimOne(s().outbox)).task.payload.jobId).toBe('j1');
    });

    it('enters the given states at once and claims the first task for the request (claimFirst)', async () => {
      const result = await s().jobs.create(
        createCommand('j1', { axes: { ...SHIP_AXES, compile: 'sync' }, enter: ['RUNNING'], claimFirst: { owner: 'api-1', leaseMs: 60_000 } }),
      );
      if (!result.created || !result.claimed) throw new Error('a created job with a claimed task expected');
      expect(result.job.transitions.map((t) => t.state)).toEqual(['QUEUED', 'RUNNING']);
      expect(result.job.state).toBe('RUNNING');
      const { claimed } = result;
      expect(claimed.task).toMatchObject({ taskId: taskSpec('j1').taskId, status: 'RUNNING', attempt: 1, leaseOwner: 'api-1' });
      expect(claimed.task.leaseUntil).toBeGreaterThanOrEqual(result.job.createdAt + 60_000);
      expect(result.job.tasks).toEqual([{ taskId: claimed.task.taskId, type: 'COMPILE_TASK', status: 'RUNNING', attempt: 1, lastError: null }]);
      await expect(s().outbox.claim('w1', 5, 1_000)).resolves.toEqual([]);
      await expect(s().outbox.settle([{ kind: 'OK', lease: claimed.lease }])).resolves.toEqual(['applied']);
    });

    it('refuses states the job cannot enter from QUEUED, storing nothing', async () => {
      await expect(s().jobs.create(createCommand('j1', { enter: ['READY'] }))).rejects.toBeInstanceOf(IllegalStateTransitionError);
      await expect(s().jobs.get(TENANT, 'j1')).resolves.toBeUndefined();
      await expect(s().outbox.get(taskSpec('j1').taskId)).resolves.toBeUndefined();
    });

    it('with a known Idempotency-Key: the same body answers the first job (nothing applied again), another body is refused', async () => {
      const idempotency = { key: 'key-1', requestHash: 'hash-a' };
      const first = await s().jobs.create(createCommand('j1', { idempotency }));
      const replay = await s().jobs.create(createCommand('j2', { idempotency, tasks: [taskSpec('j2')] }));
      expect(replay).toEqual({ created: false, job: first.job });
      await expect(s().jobs.get(TENANT, 'j2')).resolves.toBeUndefined();
      await expect(s().outbox.get(taskSpec('j2').taskId)).resolves.toBeUndefined();
      const reuse = s().jobs.create(createCommand('j3', { idempotency: { key: 'key-1', requestHash: 'hash-b' } }));
      await expect(reuse).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      await expect(reuse).rejects.toMatchObject({ key: 'key-1', jobId: 'j1' });
      await expect(s().jobs.findByIdempotencyKey(TENANT, 'key-1')).resolves.toEqual({ jobId: 'j1', requestHash: 'hash-a' });
      await expect(s().jobs.findByIdempotencyKey(TENANT, 'key-2')).resolves.toBeUndefined();
      await expect(s().jobs.findByIdempotencyKey('other', 'key-1')).resolves.toBeUndefined();
    });

    it('keeps tenants apart: another tenant cannot read a job, and its keys are its own', async () => {
      const idempotency = { key: 'key-1', requestHash: 'hash-a' };
      await s().jobs.create(createCommand('j1', { idempotency }));
      await expect(s().jobs.get('other', 'j1')).resolves.toBeUndefined();
      const theirs = await s().jobs.create({ ...createCommand('j1', { idempotency }), tenantId: 'other', tasks: [taskSpec('j1', 'COMPILE_TASK', 3, 'other')] });
      expect(theirs.created).toBe(true);
      expect((await s().jobs.get('other', 'j1'))?.tasks.map((t) => t.taskId)).toEqual([taskSpec('j1', 'COMPILE_TASK', 3, 'other').taskId]);
      expect((await s().jobs.get(TENANT, 'j1'))?.tasks.map((t) => t.taskId)).toEqual([taskSpec('j1').taskId]);
    });

    it('refuses a job id that exists (without a key to answer it)', async () => {
      await s().jobs.create(createCommand('j1'));
      await expect(s().jobs.create(createCommand('j1', { tasks: [] }))).rejects.toBeInstanceOf(InvariantViolationError);
    });

    it("summarises the job's tasks with their attempts and last errors", async () => {
      await s().jobs.create(createCommand('j1'));
      const claimed = await claimOne(s().outbox);
      await s().outbox.settle([{ kind: 'RETRY', lease: claimed.lease, delayMs: 0, error: BOOM }]);
      await s().pass(5);
      await s().outbox.enqueue([taskSpec('j1', 'SHIP_TASK'), taskSpec('j2')]);
      const job = await s().jobs.get(TENANT, 'j1');
      expect(job?.tasks).toEqual([
        { taskId: taskSpec('j1').taskId, type: 'COMPILE_TASK', status: 'PENDING', attempt: 1, lastError: BOOM },
        { taskId: taskSpec('j1', 'SHIP_TASK').taskId, type: 'SHIP_TASK', status: 'PENDING', attempt: 0, lastError: null },
      ]);
    });
  });
}
