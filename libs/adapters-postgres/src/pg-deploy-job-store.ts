import {
  checkDuration,
  enterDeployJob,
  IdempotencyKeyReusedError,
  InvariantViolationError,
  taskFromSpec,
  type ClaimedTask,
  type CreateDeployJob,
  type CreateDeployJobResult,
  type DeployJob,
  type DeployJobStore,
  type StoredDeployJob,
} from '@ivm/domain';
import type { Database, Queryable } from './client';
import { guarded } from './errors';
import { createJob, type CreatedJob } from './sql/create-job';
import { getJob } from './sql/get-job';
import { claimIdempotencyKey, findIdempotencyKey, type KnownKey } from './sql/idempotency-keys';

/**
 * Deploy jobs on PostgreSQL. Without an Idempotency-Key a create is one statement; with one it is
 * a transaction that takes the key first (see idempotency-keys.ts), so racing requests with one
 * key make one job.
 */
export class PgDeployJobStore implements DeployJobStore {
  constructor(private readonly db: Database) {}

  async create(command: CreateDeployJob): Promise<CreateDeployJobResult> {
    // Checked before anything is sent: the states it enters, its tasks, the claim.
    const job = enterDeployJob(command.jobId, command.axes, command.enter, 0);
    const tasks = command.tasks.map((spec) => taskFromSpec(spec, 0));
    if (command.claimFirst) checkDuration('claimFirst.leaseMs', command.claimFirst.leaseMs);
    if (command.claimFirst && tasks.length === 0) throw new RangeError('claimFirst needs a task to claim');
    const { idempotency, tenantId, jobId } = command;
    return guarded('create', async () => {
      const insert = async (q: Queryable): Promise<{ created: CreatedJob }> => {
        const created = await createJob(q, command, job, tasks);
        if (!created) throw new InvariantViolationError(`Deploy job ${tenantId}/${jobId} exists already`);
        return { created };
      };
      // Without a key the insert is one statement; with one, the key is taken first in the same transaction.
      const outcome: { known: KnownKey } | { created: CreatedJob } = idempotency
        ? await this.db.transaction(async (q) => {
            const known = await claimIdempotencyKey(q, tenantId, idempotency, jobId);
            return known ? { known } : insert(q);
          })
        : await insert(this.db.query);
      if ('known' in outcome) {
        if (outcome.known.requestHash !== idempotency?.requestHash) throw new IdempotencyKeyReusedError(idempotency?.key ?? '', outcome.known.jobId);
        const existing = await getJob(this.db.query, tenantId, outcome.known.jobId);
        if (!existing) throw new InvariantViolationError(`Idempotency-Key "${idempotency.key}" names job ${outcome.known.jobId}, which is not stored`);
        return { created: false, job: existing };
      }
      return this.answer(command, job, outcome.created);
    });
  }

  get(tenantId: string, jobId: string): Promise<StoredDeployJob | undefined> {
    return guarded('get job', () => getJob(this.db.query, tenantId, jobId));
  }

  findByIdempotencyKey(tenantId: string, key: string): Promise<{ readonly jobId: string; readonly requestHash: string } | undefined> {
    return guarded('find idempotency key', () => findIdempotencyKey(this.db.query, tenantId, key));
  }

  /** The created job from what the insert returned (no read-back), unless a task id was stored before: then as stored. */
  private async answer(command: CreateDeployJob, job: DeployJob, created: CreatedJob): Promise<CreateDeployJobResult> {
    const first = created.tasks.find(({ task, token }) => token !== null && task.status === 'RUNNING');
    const claimed: ClaimedTask | undefined = first?.token
      ? { task: first.task, lease: { taskId: first.task.taskId, token: first.token }, waitedMs: 0 }
      : undefined;
    const stored =
      created.tasks.length === command.tasks.length
        ? storedJob(command, job, created)
        : await getJob(this.db.query, command.tenantId, command.jobId).then((found) => found ?? storedJob(command, job, created));
    return claimed ? { created: true, job: stored, claimed } : { created: true, job: stored };
  }
}

function storedJob(command: CreateDeployJob, job: DeployJob, created: CreatedJob): StoredDeployJob {
  const tasks = [...created.tasks]
    .map(({ task }) => task)
    .sort((a, b) => a.createdAt - b.createdAt || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0) || (a.taskId < b.taskId ? -1 : 1));
  return {
    tenantId: command.tenantId,
    jobId: command.jobId,
    axes: command.axes,
    records: command.records.map((r) => ({ entityKey: r.entityKey, version: r.version })),
    state: job.state,
    transitions: job.transitions.map((t) => ({ state: t.state, at: created.createdAt })),
    createdAt: created.createdAt,
    tasks: tasks.map((t) => ({ taskId: t.taskId, type: t.type, status: t.status, attempt: t.attempt, lastError: t.lastError })),
  };
}
