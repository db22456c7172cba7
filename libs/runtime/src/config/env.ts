/**
 * Reading settings from the environment, for every process: a wrong or missing setting stops the
 * process with the variable's name (ConfigError). Values are trimmed; set-but-empty is an error.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export const LOG_LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

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

/** The trimmed value, or undefined when unset. */
export function present(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new ConfigError(name, 'is set but empty');
  return value.trim();
}

export function text(env: Env, name: string, fallback: string): string {
  return present(env, name) ?? fallback;
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = present(env, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

/** An http(s) URL, or undefined when unset. */
export function httpUrl(env: Env, name: string): string | undefined {
  const value = present(env, name);
  if (value === undefined) return undefined;
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) throw new ConfigError(name, `must be an http(s) URL, got ${JSON.stringify(value)}`);
  return value;
}

/** A postgres:// URL, or undefined when unset. Never echoes the value: a connection string carries a password. */
export function postgresUrl(env: Env, name: string): string | undefined {
  const value = present(env, name);
  if (value === undefined) return undefined;
  if (!URL.canParse(value) || !/^postgres(ql)?:$/.test(new URL(value).protocol)) throw new ConfigError(name, 'must be a postgres:// or postgresql:// URL');
  return value;
}

export function matching(env: Env, name: string, fallback: string, pattern: RegExp, rule: string): string {
  const value = present(env, name) ?? fallback;
  if (!pattern.test(value)) throw new ConfigError(name, `${rule}, got ${JSON.stringify(value)}`);
  return value;
}

export function oneOf(env: Env, name: string, fallback: string, allowed: readonly string[]): string {
  const value = present(env, name) ?? fallback;
  if (!allowed.includes(value)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value;
}

/** Refuses to start without these variables, naming every missing one. */
export function requireSet(env: Env, names: readonly string[], why: string): void {
  const missing = names.filter((name) => env[name] === undefined);
  if (missing.length > 0) throw new ConfigError(missing.join(' and '), `${missing.length > 1 ? 'are' : 'is'} required: ${why}`);
}
