import {
  appendRawRecord,
  assertTenantId,
  checkOlderVersion,
  contentHash,
  IdempotencyKeyReusedError,
  outboxTaskId,
  parseDeployRequest,
  precheckRecords,
  recordRefs,
  type CreateDeployJob,
  type DeployRequest,
  type StoredDeployJob,
  type TaskSpec,
} from '@ivm/domain';
import type { DeployDeps } from './deps';
import { deployTasks, recordKey } from './deploy-tasks';
import { runInline } from './run-inline';

export interface CreateDeployCommand {
  readonly tenantId: string;
  /** The request body (API.md "deploys"). */
  readonly body: unknown;
  readonly idempotencyKey?: string;
}

/** The answer: the job as it stands when the request is done with it; `accepted` when its work goes on in a worker. */
export interface CreateDeployResult {
  readonly job: StoredDeployJob;
  /** True when the answer is 202: the compile is queued (compile async), or was handed to a worker after a transient failure or a conflict (another attempt compiling one of its entities). */
  readonly accepted: boolean;
  /** True when an earlier request with the same Idempotency-Key created the job. */
  readonly replay: boolean;
}

/**
 * POST deploys: validate everything, then ingest, then create the job with its first task in one
 * transaction, then (compile sync) run that task inline under its lease. A 4xx leaves nothing
 * stored; past validation, the job's state tells the truth (docs/deploys.md "Flows").
 */
export function createDeployUseCase(deps: DeployDeps) {
  const tasks = deployTasks(deps);
  return async (command: CreateDeployCommand): Promise<CreateDeployResult> => {
    assertTenantId(command.tenantId);
    const request = parseDeployRequest(deps.registry, command.tenantId, command.body);
    if (request.axes.ship !== null) deps.sinks.require(request.axes.ship.sinks);
    const key = command.idempotencyKey;
    if (key !== undefined) {
      const known = await deps.jobs.findByIdempotencyKey(command.tenantId, key);
      if (known !== undefined) return replayOf(known, request, command.tenantId, key);
    }
    await precheck(request, command.tenantId);
    // Stored before the job exists: a crash here leaves raw versions a retry replays (no-ops).
    for (const record of request.records) await appendRawRecord(deps.stores.raw, record);

    const jobId = key === undefined ? deps.newJobId() : contentHash('deploy-job', { tenantId: command.tenantId, key });
    const compileTask: TaskSpec = {
      taskId: outboxTaskId(command.tenantId, jobId, 'COMPILE_TASK'),
      type: 'COMPILE_TASK',
      payload: { tenantId: command.tenantId, jobId, entities: recordRefs(request.records), sinkIds: [] },
      maxAttempts: deps.settings.maxAttempts,
    };
    const inline = request.axes.compile === 'sync';
    const create: CreateDeployJob = {
      tenantId: command.tenantId,
      jobId,
      ...(key === undefined ? {} : { idempotency: { key, requestHash: request.requestHash } }),
      axes: request.axes,
      records: recordRefs(request.records),
      enter: inline ? ['RUNNING'] : [],
      tasks: [compileTask],
      ...(inline ? { claimFirst: { owner: deps.owner, leaseMs: deps.settings.leaseMs } } : {}),
    };
    const created = await deps.jobs.create(create);
    if (!created.created) return { job: created.job, accepted: created.job.state === 'QUEUED', replay: true };
    if (!inline || created.claimed === undefined) return { job: created.job, accepted: true, replay: false };

    const known = new Map(request.records.map((r) => [recordKey(r.entityKey, r.version), r]));
    const handler = { run: tasks.compileKnown(known), onFinalFailure: tasks.handlers.COMPILE_TASK.onFinalFailure };
    const result = await runInline(deps.outbox, created.claimed, handler, deps.settings);
    const job = await mustGet(command.tenantId, jobId);
    return { job, accepted: result.settled === 'RETRY' || result.settled === 'fenced', replay: false };
  };

  async function replayOf(known: { jobId: string; requestHash: string }, request: DeployRequest, tenantId: string, key: string): Promise<CreateDeployResult> {
    if (known.requestHash !== request.requestHash) throw new IdempotencyKeyReusedError(key, known.jobId);
    const job = await mustGet(tenantId, known.jobId);
    return { job, accepted: job.state === 'QUEUED', replay: true };
  }

  // Every version rule is checked before the first write, so a refused deploy stores nothing.
  async function precheck(request: DeployRequest, tenantId: string): Promise<void> {
    const keys = [...new Set(request.records.map((r) => r.entityKey))];
    const heads = await deps.stores.heads.getMany(tenantId, keys);
    for (const record of precheckRecords(request.records, heads)) {
      const stored = await deps.stores.raw.get(tenantId, record.entityKey, record.version);
      checkOlderVersion(record, stored, heads.get(record.entityKey)?.latest.version ?? 0);
    }
  }

  async function mustGet(tenantId: string, jobId: string): Promise<StoredDeployJob> {
    const job = await deps.jobs.get(tenantId, jobId);
    if (job === undefined) throw new Error(`deploy job ${jobId} vanished after it was created`);
    return job;
  }
}
