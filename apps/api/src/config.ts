import {
  ConfigError,
  type EngineConfig,
  type Env,
  integer,
  LOG_LEVELS,
  loadEngineConfig,
  loadSinkConfig,
  loadWorkerRuntimeConfig,
  type SinkConfig,
  oneOf,
  requireSet,
  SHARED_ENGINE_VARIABLES,
  text,
  type WorkerRuntimeConfig,
} from '@ivm/runtime';

/**
 * Process configuration, read once from the environment and validated before anything starts:
 * a wrong or missing setting stops the process with the variable's name (`ConfigError`).
 */
export interface ApiConfig extends EngineConfig {
  readonly port: number;
  readonly host: string;
  /** API key → tenant id. */
  readonly apiKeys: ReadonlyMap<string, string>;
  /** True when no key was configured and the embedded `dev-key` → `demo` is in force. */
  readonly usingDevKey: boolean;
  /** Keys that may call the admin routes (IVM_ADMIN_KEYS; the dev key too when no key is configured). */
  readonly adminKeys: ReadonlySet<string>;
  readonly bodyLimitBytes: number;
  readonly logLevel: string;
  /** The tasks the API creates and runs inline, and (npm start) the worker it runs in-process. */
  readonly worker: WorkerRuntimeConfig;
  /** The OpenSearch cluster and bulk limits, and the sinks' circuit breakers (sync ships run in the request). */
  readonly sinks: SinkConfig;
}

/** `start` (npm start): embedded engines allowed, a worker in the process. `api` (npm run api): the API alone, on shared engines. */
export type ApiMode = 'start' | 'api';

export const DEV_API_KEY = 'dev-key';
export const DEV_TENANT = 'demo';
const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export { ConfigError };

/** @throws ConfigError naming the missing variables (mode `api`), or the first variable that is wrong */
export function loadConfig(env: Env, mode: ApiMode = 'start'): ApiConfig {
  if (mode === 'api') requireSet(env, SHARED_ENGINE_VARIABLES, 'npm run api runs on a shared DynamoDB and PostgreSQL (npm start runs embedded ones)');
  const apiKeys = parseApiKeys(env['IVM_API_KEYS']);
  return {
    ...loadEngineConfig(env),
    worker: loadWorkerRuntimeConfig(env),
    sinks: loadSinkConfig(env),
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: text(env, 'HOST', '127.0.0.1'),
    apiKeys: apiKeys ?? new Map([[DEV_API_KEY, DEV_TENANT]]),
    usingDevKey: apiKeys === undefined,
    adminKeys: parseAdminKeys(env['IVM_ADMIN_KEYS'], apiKeys === undefined),
    bodyLimitBytes: integer(env, 'IVM_BODY_LIMIT_BYTES', 1024 * 1024, 1, 1024 * 1024 * 1024),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
  };
}

/** `key:tenant,key:tenant`; undefined when unset (the dev default applies). */
function parseApiKeys(value: string | undefined): Map<string, string> | undefined {
  if (value === undefined) return undefined;
  const keys = new Map<string, string>();
  for (const pair of value.split(',').map((p) => p.trim())) {
    const at = pair.lastIndexOf(':');
    const key = pair.slice(0, at);
    const tenant = pair.slice(at + 1);
    if (at <= 0 || !TENANT.test(tenant))
      throw new ConfigError('IVM_API_KEYS', `must be "key:tenant,key:tenant" with tenants matching ${TENANT.source}, got ${JSON.stringify(pair)}`);
    if (keys.has(key)) throw new ConfigError('IVM_API_KEYS', 'lists a key twice');
    keys.set(key, tenant);
  }
  return keys;
}

/** `key,key`; with none set, the development key is the admin key while the dev default is in force (API.md). */
function parseAdminKeys(value: string | undefined, usingDevKey: boolean): Set<string> {
  const keys = new Set<string>();
  if (value === undefined) return usingDevKey ? new Set([DEV_API_KEY]) : keys;
  for (const key of value.split(',').map((k) => k.trim())) {
    if (!/^\S+$/.test(key)) throw new ConfigError('IVM_ADMIN_KEYS', 'must be "key,key" with no empty or blank keys');
    keys.add(key);
  }
  return keys;
}
