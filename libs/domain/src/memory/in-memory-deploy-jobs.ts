import { checkDuration, claimTask } from '../deploy/outbox-task-lifecycle';
import { enterDeployJob } from '../deploy/state-machine';
import { IdempotencyKeyReusedError, InvariantViolationError } from '../errors';
import type { CreateDeployJob, CreateDeployJobResult, DeployJobStore, StoredDeployJob } from '../ports/deploy-jobs';
import type { ClaimedTask } from '../ports/outbox';
import { insertTasks, jobKey, Staged, type InMemoryDeployState } from './in-memory-deploy-state';

/** Deploy jobs held in memory, sharing rows with the in-memory outbox: the reference for the PostgreSQL adapter. */
export class InMemoryDeployJobStore implements DeployJobStore {
  constructor(private readonly state: InMemoryDeployState) {}

  async create(command: CreateDeployJob): Promise<CreateDeployJobResult> {
    const now = this.state.clock.now();
    const job = enterDeployJob(command.jobId, command.axes, command.enter, now);
    if (command.claimFirst) checkDuration('claimFirst.leaseMs', command.claimFirst.leaseMs);
    if (command.claimFirst && command.tasks.length === 0) throw new RangeError('claimFirst needs a task to claim');

    const { idempotency, tenantId, jobId } = command;
    const known = idempotency && this.state.idempotency.get(jobKey(tenantId, idempotency.key));
    if (idempotency && known) {
      if (known.requestHash !== idempotency.requestHash) throw new IdempotencyKeyReusedError(idempotency.key, known.jobId);
      const existing = await this.get(tenantId, known.jobId);
      if (!existing) throw new InvariantViolationError(`Idempotency-Key "${idempotency.key}" names job ${known.jobId}, which is not stored`);
      return { created: false, job: existing };
    }
    if (this.state.jobs.has(jobKey(tenantId, jobId))) throw new InvariantViolationError(`Deploy job ${tenantId}/${jobId} exists already`);

    // Only a task this call inserts is claimed for it: one stored before belongs to whoever enqueued it.
    const firstIsNew = command.tasks[0] !== undefined && !this.state.tasks.has(command.tasks[0].taskId);
    const tasks = new Staged(this.state.tasks);
    const { stored, inserted } = insertTasks(tasks, command.tasks, now);
    let claimed: ClaimedTask | undefined;
    const first = stored[0];
    if (command.claimFirst && first && firstIsNew) {
      const task = claimTask(first, command.claimFirst.owner, command.claimFirst.leaseMs, now);
      const token = this.state.mintToken(task.taskId, task.attempt);
      tasks.set(task.taskId, { task, token, settledAt: null });
      claimed = { task, lease: { taskId: task.taskId, token }, waitedMs: 0 };
    }
    tasks.commit();
    this.state.jobs.set(jobKey(tenantId, jobId), { tenantId, job, records: command.records, createdAt: now });
    if (idempotency) this.state.idempotency.set(jobKey(tenantId, idempotency.key), { jobId, requestHash: idempotency.requestHash });
    this.state.notify(inserted - (claimed ? 1 : 0));
    const created = this.state.storedJob({ tenantId, job, records: command.records, createdAt: now });
    return claimed ? { created: true, job: created, claimed } : { created: true, job: created };
  }

  async get(tenantId: string, jobId: string): Promise<StoredDeployJob | undefined> {
    const row = this.state.jobs.get(jobKey(tenantId, jobId));
    return row && this.state.storedJob(row);
  }

  async findByIdempotencyKey(tenantId: string, key: string): Promise<{ readonly jobId: string; readonly requestHash: string } | undefined> {
    return this.state.idempotency.get(jobKey(tenantId, key));
  }
}
