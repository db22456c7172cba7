import type { ContractRegistry, DeployJobStore, OutboxStore, RetryPolicy, SinkPlugin, Stores } from '@ivm/domain';

/** The sinks a deploy may name, as this process can reach them (SinkDirectory). */
export interface DeploySinks {
  /** Throws for unknown sink ids (400) or the first one not configured here (422 SINK_NOT_CONFIGURED). */
  require(sinkIds: readonly string[]): void;
  /** The plugin of a configured sink; throws like `require` otherwise. */
  plugin(sinkId: string): SinkPlugin;
}

/** Settings of the outbox work a deploy creates. */
export interface DeploySettings {
  /** How long a claimed task stays leased without a heartbeat (IVM_TASK_LEASE_MS). */
  readonly leaseMs: number;
  /** Attempts before a task is DEAD (IVM_TASK_MAX_ATTEMPTS). */
  readonly maxAttempts: number;
  /** Backoff of failed attempts (IVM_TASK_BACKOFF_BASE_MS and the domain defaults). */
  readonly retry: RetryPolicy;
}

/** Everything the deploy use cases need, wired by the process. */
export interface DeployDeps {
  readonly registry: ContractRegistry;
  readonly stores: Stores;
  readonly outbox: OutboxStore;
  readonly jobs: DeployJobStore;
  readonly sinks: DeploySinks;
  readonly settings: DeploySettings;
  /** Names this process as a lease owner (e.g. `api:<host>:<pid>:<random>`). */
  readonly owner: string;
  /** A new job id for a request without an Idempotency-Key. */
  readonly newJobId: () => string;
}
