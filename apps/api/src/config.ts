/**
 * Process configuration, read once from the environment and validated before anything starts:
 * a wrong or missing setting stops the process with the variable's name (`ConfigError`).
 */
export interface ApiConfig {
  readonly port: number;
  readonly host: string;
  /** API key → tenant id. */
  readonly apiKeys: ReadonlyMap<string, string>;
  /** True when no key was configured and the embedded `dev-key` → `demo` is in force. */
  readonly usingDevKey: boolean;
  /** Keys that may call the admin routes (IVM_ADMIN_KEYS; the dev key too when no key is configured). */
  readonly adminKeys: ReadonlySet<string>;
  readonly contractsDir: string;
  /** Unset: run an embedded dynalite. */
  readonly dynamoEndpoint: string | undefined;
  readonly awsRegion: string;
  readonly tablePrefix: string;
  /** Directory of the embedded engine's data, or `:memory:`. */
  readonly dataDir: string;
  readonly bodyLimitBytes: number;
  readonly logLevel: string;
}

export const DEV_API_KEY = 'dev-key';
export const DEV_TENANT = 'demo';
const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

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

/** @throws ConfigError naming the first variable that is wrong */
export function loadConfig(env: Env): ApiConfig {
  const apiKeys = parseApiKeys(env['IVM_API_KEYS']);
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: text(env, 'HOST', '127.0.0.1'),
    apiKeys: apiKeys ?? new Map([[DEV_API_KEY, DEV_TENANT]]),
    usingDevKey: apiKeys === undefined,
    adminKeys: parseAdminKeys(env['IVM_ADMIN_KEYS'], apiKeys === undefined),
    contractsDir: text(env, 'IVM_CONTRACTS_DIR', 'contracts'),
    dynamoEndpoint: url(env, 'DYNAMODB_ENDPOINT'),
    awsRegion: text(env, 'AWS_REGION', 'us-east-1'),
    tablePrefix: matching(env, 'IVM_TABLE_PREFIX', 'ivm_', /^[A-Za-z0-9_.-]{1,200}$/, 'must be letters, digits, "_", "-" or "."'),
    dataDir: text(env, 'IVM_DATA_DIR', '.ivm-data'),
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

function url(env: Env, name: string): string | undefined {
  const value = present(env, name);
  if (value === undefined) return undefined;
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) throw new ConfigError(name, `must be an http(s) URL, got ${JSON.stringify(value)}`);
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
