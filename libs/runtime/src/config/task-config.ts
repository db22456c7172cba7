import { type Env, integer } from './env';

const DAY_MS = 24 * 3_600_000;

/** How outbox tasks are run and retried: read by the api (the tasks it creates and runs inline) and by workers. */
export interface TaskConfig {
  /** Attempts before a task is DEAD (IVM_TASK_MAX_ATTEMPTS). */
  readonly maxAttempts: number;
  /** The first retry delay; later ones double, with jitter (IVM_TASK_BACKOFF_BASE_MS). */
  readonly backoffBaseMs: number;
  /** How long a claimed task stays leased without a heartbeat (IVM_TASK_LEASE_MS). */
  readonly leaseMs: number;
}

/** A worker runtime's settings (a worker process, or the worker `npm start` runs in the api process). */
export interface WorkerRuntimeConfig extends TaskConfig {
  readonly concurrency: number;
  readonly pollMs: number;
  readonly shutdownGraceMs: number;
  /** How long SUCCESS tasks are kept before the prune loop deletes them. */
  readonly retentionMs: number;
}

/** @throws ConfigError */
export function loadTaskConfig(env: Env): TaskConfig {
  return {
    maxAttempts: integer(env, 'IVM_TASK_MAX_ATTEMPTS', 10, 1, 1_000),
    backoffBaseMs: integer(env, 'IVM_TASK_BACKOFF_BASE_MS', 1_000, 1, 3_600_000),
    leaseMs: integer(env, 'IVM_TASK_LEASE_MS', 30_000, 300, 3_600_000),
  };
}

/** @throws ConfigError */
export function loadWorkerRuntimeConfig(env: Env): WorkerRuntimeConfig {
  return {
    ...loadTaskConfig(env),
    concurrency: integer(env, 'IVM_WORKER_CONCURRENCY', 8, 1, 1_024),
    pollMs: integer(env, 'IVM_WORKER_POLL_MS', 1_000, 10, 600_000),
    shutdownGraceMs: integer(env, 'IVM_WORKER_SHUTDOWN_GRACE_MS', 10_000, 0, 3_600_000),
    retentionMs: integer(env, 'IVM_TASK_RETENTION_MS', 7 * DAY_MS, 0, 365 * DAY_MS),
  };
}
