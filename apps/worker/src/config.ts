/**
 * The worker process's configuration, read once from the environment and validated before
 * anything starts: a wrong or missing setting stops the process with the variable's name
 * (`ConfigError`, the API's style).
 */
export interface WorkerConfig {
  /** PostgreSQL (the outbox and deploy jobs). */
  readonly databaseUrl: string;
  /** DynamoDB (the data the task handlers read and write). */
  readonly dynamoEndpoint: string;
  readonly awsRegion: string;
  readonly tablePrefix: string;
  readonly concurrency: number;
  /** Attempts before a task is DEAD: given to the handlers, which enqueue follow-up tasks with it. */
  readonly maxAttempts: number;
  /** The first retry delay; later ones double, with jitter. */
  readonly backoffBaseMs: number;
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly shutdownGraceMs: number;
  /** How long SUCCESS tasks are kept before the prune loop deletes them. */
  readonly retentionMs: number;
  /** Health and metrics port. */
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
}

/** A setting that is missing or wrong, by variable name. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const DAY_MS = 24 * 3_600_000;

/** @throws ConfigError naming the first variable that is missing or wrong */
export function loadWorkerConfig(env: Env): WorkerConfig {
  const missing = ['DATABASE_URL', 'DYNAMODB_ENDPOINT'].filter((name) => env[name] === undefined);
  if (missing.length > 0)
    throw new ConfigError(missing.join(' and '), `${missing.length > 1 ? 'are' : 'is'} required: a worker runs on a shared PostgreSQL and DynamoDB`);
  const leaseMs = integer(env, 'IVM_TASK_LEASE_MS', 30_000, 300, 3_600_000);
  return {
    databaseUrl: postgresUrl(env, 'DATABASE_URL'),
    dynamoEndpoint: httpUrl(env, 'DYNAMODB_ENDPOINT'),
    awsRegion: text(env, 'AWS_REGION', 'us-east-1'),
    tablePrefix: matching(env, 'IVM_TABLE_PREFIX', 'ivm_', /^[A-Za-z0-9_.-]{1,200}$/, 'must be letters, digits, "_", "-" or "."'),
    concurrency: integer(env, 'IVM_WORKER_CONCURRENCY', 8, 1, 1_024),
    maxAttempts: integer(env, 'IVM_TASK_MAX_ATTEMPTS', 10, 1, 1_000),
    backoffBaseMs: integer(env, 'IVM_TASK_BACKOFF_BASE_MS', 1_000, 1, 3_600_000),
    leaseMs,
    pollMs: integer(env, 'IVM_WORKER_POLL_MS', 1_000, 10, 600_000),
    shutdownGraceMs: integer(env, 'IVM_WORKER_SHUTDOWN_GRACE_MS', 10_000, 0, 3_600_000),
    retentionMs: integer(env, 'IVM_TASK_RETENTION_MS', 7 * DAY_MS, 0, 365 * DAY_MS),
    port: integer(env, 'WORKER_PORT', 3001, 0, 65_535),
    host: text(env, 'WORKER_HOST', '127.0.0.1'),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
  };
}

function present(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new ConfigError(name, 'is set but empty');
  return value.trim();
}

function text(env: Env, name: string, fallback: string): string {
  return present(env, name) ?? fallback;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = present(env, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

function httpUrl(env: Env, name: string): string {
  const value = present(env, name) ?? '';
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) throw new ConfigError(name, `must be an http(s) URL, got ${JSON.stringify(value)}`);
  return value;
}

// Never echo the value: a connection string carries a password.
function postgresUrl(env: Env, name: string): string {
  const value = present(env, name) ?? '';
  if (!URL.canParse(value) || !/^postgres(ql)?:$/.test(new URL(value).protocol)) throw new ConfigError(name, 'must be a postgres:// or postgresql:// URL');
  return value;
}

function matching(env: Env, name: string, fallback: string, pattern: RegExp, rule: string): string {
  const value = present(env, name) ?? fallback;
  if (!pattern.test(value)) throw new ConfigError(name, `${rule}, got ${JSON.stringify(value)}`);
  return value;
}

function oneOf(env: Env, name: string, fallback: string, allowed: readonly string[]): string {
  const value = present(env, name) ?? fallback;
  if (!allowed.includes(value)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value;
}
