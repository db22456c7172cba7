import {
  activeVersionMovesAt,
  type ClaimedTask,
  deployPlan,
  compileFlightKey,
  ConcurrencyConflictError,
  type DeployState,
  type FollowUp,
  InvariantViolationError,
  LeaseLostError,
  outboxTaskId,
  parseEntityKey,
  type RawRecord,
  type SliceRequest,
  SlicingEngine,
  type StoredDeployJob,
  type TaskError,
  type TaskSpec,
} from '@ivm/domain';
import type { DeployDeps } from './deps';
import { reached, stepsBetween } from './job-steps';
import { shipDocuments } from './ship-documents';
import type { TaskHandler, TaskHandlers } from './task-handler';

/** Raw records a request has just stored, by `entityKey@version`: the compile reuses them instead of reading them back. */
export type KnownRecords = ReadonlyMap<string, RawRecord>;

export const recordKey = (entityKey: string, version: number): string => `${entityKey}@${version}`;

/**
 * The deploy's two task types. COMPILE_TASK slices the records (and, for a sync ship, ships them
 * in the same attempt: the request that runs it inline is waiting for both); SHIP_TASK ships. Both
 * move the job only through steps that are persisted with the lease held, and both are safe to
 * re-run from the start: slicing and shipping are idempotent. A compile holds the single flights
 * of its entities for its whole attempt, so no two attempts slice one entity at once.
 */
export function deployTasks(deps: DeployDeps) {
  const engine = new SlicingEngine(deps.registry, deps.stores);
  // Where the running attempt of each task has taken its job, so a final failure names the step
  // from that state. Keyed by task: a new attempt replaces the entry, a settled run removes it.
  const reachedByTask = new Map<string, DeployState>();

  async function loadJob(claimed: ClaimedTask): Promise<StoredDeployJob> {
    const { tenantId, jobId } = claimed.task.payload;
    const job = await deps.jobs.get(tenantId, jobId);
    if (job === undefined) throw new InvariantViolationError(`Outbox task ${claimed.task.taskId} names job ${jobId}, which does not exist`);
    reachedByTask.set(claimed.task.taskId, job.state);
    return job;
  }

  async function advance(claimed: ClaimedTask, job: StoredDeployJob, to: DeployState): Promise<void> {
    const from = reachedByTask.get(claimed.task.taskId) ?? job.state;
    const steps = stepsBetween(job.tenantId, job.jobId, job.axes, from, to);
    if (steps.length > 0 && (await deps.outbox.advance(claimed.lease, steps)) === 'fenced') throw new LeaseLostError(claimed.task.taskId, deps.owner);
    if (steps.length > 0) reachedByTask.set(claimed.task.taskId, to);
  }

  // One attempt at a time slices an entity (docs/deploys.md "Single flight"): racing slicings of
  // one entity, even of different versions, can leave its inverted index wrong. The flights go
  // with the lease: renewed by its heartbeats, freed when the attempt settles, is released or reaped.
  async function holdFlights(claimed: ClaimedTask): Promise<void> {
    const { tenantId, entities } = claimed.task.payload;
    const keys = entities.map(({ entityKey }) => {
      const { id, version } = deps.registry.ruleSet(parseEntityKey(entityKey).entityType);
      return compileFlightKey({ tenantId, entityKey, ruleSet: { id, version } });
    });
    const result = await deps.outbox.acquireFlights(claimed.lease, keys, deps.settings.leaseMs);
    if (result === 'fenced') throw new LeaseLostError(claimed.task.taskId, deps.owner);
    // A conflict: retried after the conflict wait, by when the other compile has usually settled.
    if (result === 'busy') throw new ConcurrencyConflictError(`Another attempt is compiling an entity of outbox task ${claimed.task.taskId}`);
  }

  async function ship(claimed: ClaimedTask, job: StoredDeployJob, signal: AbortSignal): Promise<void> {
    const { tenantId, entities } = claimed.task.payload;
    await shipDocuments(deps, tenantId, entities, job.axes.ship?.sinks ?? [], signal);
    // cutover "done": the pointer moves only now that every sink took the documents.
    if (job.axes.cutover === 'done') for (const entity of entities) await engine.cutover(tenantId, entity.entityKey, entity.version);
  }

  async function compile(claimed: ClaimedTask, signal: AbortSignal, known?: KnownRecords): Promise<FollowUp> {
    const job = await loadJob(claimed);
    // Before the job moves: a compile that has to wait leaves a queued job QUEUED.
    await holdFlights(claimed);
    await advance(claimed, job, 'RUNNING');
    const { tenantId, entities } = claimed.task.payload;
    const plan = deployPlan(job.axes);
    // The pointer moves with the slice commit when the domain's cutover rule says READY, or when
    // nothing ships (DONE then follows READY in the same settle); else after the ship.
    const cutover = activeVersionMovesAt(job.axes) === 'READY' || plan.ship === 'NONE';
    for (const entity of entities) {
      signal.throwIfAborted();
      const record = known?.get(recordKey(entity.entityKey, entity.version));
      const request: SliceRequest = {
        tenantId,
        entityKey: entity.entityKey,
        version: entity.version,
        mode: 'INCREMENTAL',
        cutover,
        ...(record ? { record } : {}),
      };
      await engine.slice(request);
    }
    const at = reachedByTask.get(claimed.task.taskId) ?? 'RUNNING';
    if (plan.ship === 'NONE') return { steps: stepsBetween(tenantId, job.jobId, job.axes, at, 'DONE'), enqueue: [] };
    if (plan.enqueueAfterCompile === 'SHIP_TASK') return { steps: stepsBetween(tenantId, job.jobId, job.axes, at, 'READY'), enqueue: [shipTask(claimed, job)] };
    await advance(claimed, job, 'SINKING');
    await ship(claimed, job, signal);
    return { steps: stepsBetween(tenantId, job.jobId, job.axes, 'SINKING', 'DONE'), enqueue: [] };
  }

  function shipTask(claimed: ClaimedTask, job: StoredDeployJob): TaskSpec {
    const payload = { ...claimed.task.payload, sinkIds: job.axes.ship?.sinks ?? [] };
    return { taskId: outboxTaskId(job.tenantId, job.jobId, 'SHIP_TASK'), type: 'SHIP_TASK', payload, maxAttempts: deps.settings.maxAttempts };
  }

  function finalFailure(claimed: ClaimedTask, status: 'FAILED' | 'DEAD', error: TaskError): FollowUp | undefined {
    const state = reachedByTask.get(claimed.task.taskId);
    reachedByTask.delete(claimed.task.taskId);
    // DEAD is re-drivable, so the job keeps its state (its status shows the task's error); FAILED ends it.
    if (status === 'DEAD' || state === undefined) return undefined;
    const { tenantId, jobId } = claimed.task.payload;
    const from = reached(state, 'SINKING') ? 'SINKING' : 'RUNNING';
    if (reached(state, 'DONE')) return undefined;
    return { steps: [{ tenantId, jobId, from, to: 'FAILED', error: { code: error.code, message: error.message } }], enqueue: [] };
  }

  async function shipOnly(claimed: ClaimedTask, signal: AbortSignal): Promise<FollowUp> {
    const job = await loadJob(claimed);
    await advance(claimed, job, 'SINKING');
    await ship(claimed, job, signal);
    return { steps: stepsBetween(job.tenantId, job.jobId, job.axes, 'SINKING', 'DONE'), enqueue: [] };
  }

  // A successful run forgets its task; a failed one keeps it for onFinalFailure.
  const settledRun =
    (run: (claimed: ClaimedTask, signal: AbortSignal) => Promise<FollowUp>): TaskHandler['run'] =>
    async (claimed, signal) => {
      const followUp = await run(claimed, signal);
      reachedByTask.delete(claimed.task.taskId);
      return followUp;
    };

  const handlers: TaskHandlers = {
    COMPILE_TASK: { run: settledRun((claimed, signal) => compile(claimed, signal)), onFinalFailure: finalFailure },
    SHIP_TASK: { run: settledRun(shipOnly), onFinalFailure: finalFailure },
  };
  /** `compileKnown` is the COMPILE_TASK run of a request that has the records it just stored. */
  const compileKnown = (known: KnownRecords) => settledRun((claimed, signal) => compile(claimed, signal, known));
  return { handlers, compileKnown };
}
