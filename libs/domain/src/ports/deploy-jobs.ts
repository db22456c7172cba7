import type { DeployAxes } from '../deploy/axes';
import type { EntityVersionRef, TaskError, TaskStatus, TaskType } from '../deploy/outbox-task';
import type { DeployJobError, DeployState, DeployTransition } from '../deploy/state-machine';
import type { ClaimedTask, TaskSpec } from './outbox';

/** A task of a job, as the job's status shows it. */
export interface JobTaskSummary {
  readonly taskId: string;
  readonly type: TaskType;
  readonly status: TaskStatus;
  readonly attempt: number;
  readonly lastError: TaskError | null;
}

/** A deploy job as stored: its axes, the raw versions it deploys, and its history (times are database time). */
export interface StoredDeployJob {
  readonly tenantId: string;
  readonly jobId: string;
  readonly axes: DeployAxes;
  readonly records: readonly EntityVersionRef[];
  readonly state: DeployState;
  readonly transitions: readonly DeployTransition[];
  readonly error?: DeployJobError;
  readonly createdAt: number;
  readonly tasks: readonly JobTaskSummary[];
}

/** The request's Idempotency-Key and the hash of its canonical body. */
export interface IdempotencyClaim {
  readonly key: string;
  readonly requestHash: string;
}

export interface CreateDeployJob {
  readonly tenantId: string;
  readonly jobId: string;
  readonly idempotency?: IdempotencyClaim;
  readonly axes: DeployAxes;
  readonly records: readonly EntityVersionRef[];
  /** The states the job enters at once, after QUEUED (e.g. RUNNING for a compile the request runs itself). */
  readonly enter: readonly DeployState[];
  /** Tasks enqueued with the job. */
  readonly tasks: readonly TaskSpec[];
  /** Claim `tasks[0]` for this owner in the same transaction (a step the request runs inline, covered by a lease if it dies). */
  readonly claimFirst?: { readonly owner: string; readonly leaseMs: number };
}

export type CreateDeployJobResult =
  | { readonly created: true; readonly job: StoredDeployJob; readonly claimed?: ClaimedTask }
  /** The same Idempotency-Key with the same body: the job it created first. */
  | { readonly created: false; readonly job: StoredDeployJob };

/** Deploy jobs with their transition history and permanent idempotency records; one adapter with the OutboxStore. */
export interface DeployJobStore {
  /**
   * Creates the job, its idempotency record and its tasks in one transaction. With a known key:
   * the same requestHash answers the existing job, another one throws IdempotencyKeyReusedError.
   */
  create(command: CreateDeployJob): Promise<CreateDeployJobResult>;
  /** The job, or undefined (also for another tenant's job). */
  get(tenantId: string, jobId: string): Promise<StoredDeployJob | undefined>;
  /** The job an Idempotency-Key created, if any. */
  findByIdempotencyKey(tenantId: string, key: string): Promise<{ readonly jobId: string; readonly requestHash: string } | undefined>;
}
