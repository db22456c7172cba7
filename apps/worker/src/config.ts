import {
  type Env,
  type EngineConfig,
  LOG_LEVELS,
  loadSharedEngineConfig,
  loadSinkConfig,
  loadWorkerRuntimeConfig,
  type SinkConfig,
  integer,
  oneOf,
  text,
  type WorkerRuntimeConfig,
} from '@ivm/runtime';

export { ConfigError } from '@ivm/runtime';

/**
 * The worker process's configuration, read once from the environment and validated before
 * anything starts: a wrong or missing setting stops the process with the variable's name.
 */
export interface WorkerConfig extends WorkerRuntimeConfig, EngineConfig {
  /** PostgreSQL (the outbox and deploy jobs): required, a worker never starts an embedded one. */
  readonly databaseUrl: string;
  /** DynamoDB (the data the task handlers read and write): required. */
  readonly dynamoEndpoint: string;
  /** Health and metrics port. */
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  /** The OpenSearch cluster and bulk limits, and the sinks' circuit breakers. */
  readonly sinks: SinkConfig;
}

/** @throws ConfigError naming the variables that are missing, or the first one that is wrong */
export function loadWorkerConfig(env: Env): WorkerConfig {
  const engines = loadSharedEngineConfig(env, 'a worker runs on a shared PostgreSQL and DynamoDB');
  return {
    ...engines,
    ...loadWorkerRuntimeConfig(env),
    port: integer(env, 'WORKER_PORT', 3001, 0, 65_535),
    host: text(env, 'WORKER_HOST', '127.0.0.1'),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    sinks: loadSinkConfig(env),
  };
}
