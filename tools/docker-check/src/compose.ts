import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError, type Env, LOG_LEVELS, loadEngineConfig, loadWorkerRuntimeConfig, oneOf, SHARED_ENGINE_VARIABLES } from '@ivm/runtime';
import Ajv from 'ajv';
import { DCLinter } from 'dclint';
import { parse } from 'yaml';
import { type DockerfileModel, type ImageFacts, imageFacts } from './dockerfile';
import { type ImageSpec, isExactVersionTag, parseImageRef } from './images';
import { interpolate } from './interpolation';
import { check, type Check } from './report';

/** One of our images, as the compose checks need it: what it is and what its Dockerfile gives it. */
export interface OurImage {
  readonly spec: ImageSpec;
  readonly model: DockerfileModel;
}

type Role = 'api' | 'worker' | 'bootstrap';

interface Service {
  readonly name: string;
  readonly raw: Readonly<Record<string, unknown>>;
  readonly image: string | undefined;
  /** Ours: the image spec, its facts and the role the command gives it. */
  readonly ours: { readonly spec: ImageSpec; readonly facts: ImageFacts; readonly role: Role | undefined; readonly command: readonly string[] } | undefined;
  /** The environment as written (null: passed through from the shell when set there). */
  readonly environment: Readonly<Record<string, string | null>>;
  readonly dependsOn: Readonly<Record<string, { readonly condition: string | undefined }>>;
  readonly dependsOnShortForm: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/** Where the compose-spec JSON Schema comes from: the copy dclint ships (see docker/README.md). */
export function composeSchema(): Record<string, unknown> {
  const dir = dirname(require.resolve('dclint/package.json'));
  const schema = JSON.parse(readFileSync(join(dir, 'schemas', 'compose.schema.json'), 'utf8')) as Record<string, unknown>;
  // It names draft 07 as https://json-schema.org/draft-07/schema, an id Ajv does not know: Ajv's draft 07 is what it means.
  delete schema['$schema'];
  return schema;
}

/** Every rule, applied to a compose file and the images it runs. */
export function checkCompose(path: string, text: string, ours: readonly OurImage[]): Check[] {
  let document: unknown;
  try {
    document = parse(text, { merge: true });
  } catch (error) {
    return [check('YAML', path, [error instanceof Error ? error.message : String(error)])];
  }
  const services = servicesOf(document, ours);
  const rule = (name: string, problems: string[]) => check(name, path, problems);
  return [
    rule('compose-spec schema', schemaProblems(document)),
    rule('dclint rules (ports, names, version field)', dclintProblems(text)),
    rule('every image pinned; ours by the required IVM_IMAGE_TAG, never latest', imageProblems(services)),
    rule('every service has a health check (one-shots say disable: true)', healthProblems(services)),
    rule('depends_on: long form with conditions, on everything a service reaches', dependsOnProblems(services)),
    rule('api, worker and bootstrap settings: what the apps require, and valid', settingsProblems(services)),
    rule('graceful shutdown: init, and time for the workers to finish their tasks', shutdownProblems(services)),
  ];
}

function servicesOf(document: unknown, ours: readonly OurImage[]): Service[] {
  if (!isRecord(document) || !isRecord(document['services'])) return [];
  return Object.entries(document['services']).map(([name, value]) => {
    const raw = isRecord(value) ? value : {};
    const image = typeof raw['image'] === 'string' ? raw['image'] : undefined;
    const mine = image === undefined ? undefined : ours.find((o) => parseImageRef(image).name === o.spec.repository);
    const facts = mine ? imageFacts(mine.model) : undefined;
    const command = commandOf(raw['command']) ?? facts?.cmd ?? [];
    const role: Role | undefined =
      mine === undefined
        ? undefined
        : mine.spec.app === 'worker'
          ? 'worker'
          : command[0] === 'bootstrap'
            ? 'bootstrap'
            : command[0] === 'api'
              ? 'api'
              : undefined;
    const dependsOn: Record<string, { condition: string | undefined }> = {};
    const declared = raw['depends_on'];
    if (Array.isArray(declared)) for (const d of declared) dependsOn[String(d)] = { condition: undefined };
    else if (isRecord(declared))
      for (const [target, spec] of Object.entries(declared))
        dependsOn[target] = { condition: isRecord(spec) && typeof spec['condition'] === 'string' ? spec['condition'] : undefined };
    return {
      name,
      raw,
      image,
      ours: mine && facts ? { spec: mine.spec, facts, role, command } : undefined,
      environment: environmentOf(raw['environment']),
      dependsOn,
      dependsOnShortForm: Array.isArray(declared),
    };
  });
}

function commandOf(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  return undefined;
}

function environmentOf(value: unknown): Record<string, string | null> {
  const env: Record<string, string | null> = {};
  if (Array.isArray(value))
    for (const entry of value.map(String)) {
      const eq = entry.indexOf('=');
      if (eq < 0) env[entry] = null;
      else env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) env[k] = v === null || v === undefined ? null : String(v);
  return env;
}

function schemaProblems(document: unknown): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  const validate = ajv.compile(composeSchema());
  if (validate(document)) return [];
  return (validate.errors ?? []).map(
    (e) =>
      `${e.instancePath || '/'}: ${e.message ?? 'invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params['additionalProperty'])})` : ''}`,
  );
}

/** dclint's structural rules; its ordering rules are style only, and its tag rule cannot read ${…} (ours can). */
const DCLINT_RULES = {
  'no-build-and-image': 2,
  'no-duplicate-container-names': 2,
  'no-duplicate-exported-ports': 2,
  'no-quotes-in-volumes': 2,
  'no-unbound-port-interfaces': 2,
  'no-version-field': 2,
  'require-project-name-field': 2,
  'require-quotes-in-ports': 2,
  'service-container-name-regex': 2,
  'service-image-require-explicit-tag': 0,
  'service-keys-order': 0,
  'service-dependencies-alphabetical-order': 0,
  'service-ports-alphabetical-order': 0,
  'services-alphabetical-order': 0,
  'top-level-properties-order': 0,
} as const;

/** What we use of dclint (its bundled .d.ts files do not resolve under NodeNext, so its own types read as any). */
interface Linter {
  lintFiles(
    paths: string[],
    recursive: boolean,
  ): { readonly messages: readonly { readonly rule: string; readonly message: string; readonly line: number }[] }[];
}

function dclintProblems(text: string): string[] {
  // dclint lints files: the text goes through a temporary one.
  const dir = mkdtempSync(join(tmpdir(), 'ivm-dclint-'));
  try {
    const file = join(dir, 'compose.yaml');
    writeFileSync(file, text);
    const linter: Linter = new DCLinter({ rules: DCLINT_RULES, quiet: true, debug: false, exclude: [] });
    return linter.lintFiles([file], false).flatMap((result) => result.messages.map((m) => `line ${m.line}: ${m.message} (${m.rule})`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function imageProblems(services: readonly Service[]): string[] {
  const problems: string[] = [];
  const tagVariables = new Set<string>();
  for (const service of services) {
    if (service.image === undefined) {
      problems.push(`${service.name}: no image (build it with docker/build.sh and name it here)`);
      continue;
    }
    const ref = parseImageRef(service.image);
    const where = `${service.name}: image ${service.image}`;
    if (service.ours) {
      const references = interpolate(ref.tag ?? '').references;
      const only = references.length === 1 && ref.tag?.startsWith('${') && ref.tag.endsWith('}') ? references[0] : undefined;
      if (ref.tag === undefined) problems.push(`${where} has no tag (that is latest)`);
      else if (only === undefined || !only.required)
        problems.push(`${where}: the tag must be \${NAME:?message} alone, a required variable (no default could ever fall back to latest)`);
      else tagVariables.add(only.name);
    } else if (service.image.includes('$')) problems.push(`${where} uses a variable: pin third-party images literally`);
    else if (ref.digest === undefined && ref.tag === undefined) problems.push(`${where} has no tag (that is latest)`);
    else if (ref.digest === undefined && !isExactVersionTag(ref.tag, 2))
      problems.push(`${where}: the tag must name one release (e.g. postgres:16.13), not a moving one`);
  }
  if (tagVariables.size > 1)
    problems.push(`our images are tagged by different variables (${[...tagVariables].sort().join(', ')}): docker/build.sh tags both alike`);
  return problems;
}

/** A service's health check: its own, or (ours) the image's HEALTHCHECK. */
function healthOf(service: Service): 'disabled' | 'present' | 'missing' {
  const hc = service.raw['healthcheck'];
  if (isRecord(hc) && hc['disable'] === true) return 'disabled';
  if (isRecord(hc) && hc['test'] !== undefined) {
    const test = hc['test'];
    return Array.isArray(test) && test[0] === 'NONE' ? 'disabled' : 'present';
  }
  return Array.isArray(service.ours?.facts.healthcheck) ? 'present' : 'missing';
}

const restartsNever = (service: Service) => service.raw['restart'] === undefined || service.raw['restart'] === 'no';

function healthProblems(services: readonly Service[]): string[] {
  const problems: string[] = [];
  for (const service of services) {
    const health = healthOf(service);
    if (health === 'missing') problems.push(`${service.name}: no healthcheck (and its image has no HEALTHCHECK)`);
    if (health !== 'disabled') continue;
    const dependents = services.filter((s) => s.dependsOn[service.name] !== undefined);
    const oneShot =
      restartsNever(service) && dependents.length > 0 && dependents.every((d) => d.dependsOn[service.name]?.condition === 'service_completed_successfully');
    if (!oneShot)
      problems.push(
        `${service.name}: its health check is off, which only a one-shot may do (restart "no", and what depends on it waits for service_completed_successfully)`,
      );
  }
  return problems;
}

function dependsOnProblems(services: readonly Service[]): string[] {
  const problems: string[] = [];
  const byName = new Map(services.map((s) => [s.name, s]));
  const oneShots = services.filter((s) => s.ours?.role === 'bootstrap');
  for (const service of services) {
    if (service.dependsOnShortForm) problems.push(`${service.name}: depends_on is a list; use the long form with a condition for each service`);
    for (const [target, { condition }] of Object.entries(service.dependsOn)) {
      const other = byName.get(target);
      const where = `${service.name} → ${target}`;
      if (!other) problems.push(`${where}: no such service`);
      else if (condition === undefined) problems.push(`${where}: no condition`);
      else if (condition === 'service_started') problems.push(`${where}: service_started only waits for the container; use service_healthy`);
      else if (condition === 'service_healthy' && healthOf(other) !== 'present') problems.push(`${where}: service_healthy, but ${target} has no health check`);
      else if (condition === 'service_completed_successfully' && !restartsNever(other))
        problems.push(`${where}: service_completed_successfully, but ${target} restarts (it is no one-shot)`);
    }
    // Every service a setting points at (a URL whose host is a service) must be ready first.
    for (const [name, value] of Object.entries(service.environment)) {
      if (value === null) continue;
      const host = hostOf(interpolate(value).value);
      if (host !== undefined && byName.has(host) && host !== service.name && service.dependsOn[host] === undefined)
        problems.push(`${service.name}: ${name} points at ${host}, which it does not depend on`);
    }
    // The api and the workers start after the bootstrap finished.
    if (service.ours?.role === 'api' || service.ours?.role === 'worker')
      for (const bootstrap of oneShots)
        if (service.dependsOn[bootstrap.name]?.condition !== 'service_completed_successfully')
          problems.push(`${service.name}: must depend on ${bootstrap.name} with condition service_completed_successfully`);
  }
  if (services.some((s) => s.ours?.role === 'api' || s.ours?.role === 'worker') && oneShots.length === 0)
    problems.push('no bootstrap service (the api image with command ["bootstrap"]) runs before the api and the workers');
  return problems;
}

function hostOf(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  return url.hostname === '' ? undefined : url.hostname;
}

/** The environment a container of ours starts with: the image's ENV, then compose's (pass-through values unset). */
function effectiveEnv(service: Service): { env: Record<string, string>; userSupplied: Set<string>; problems: string[] } {
  const env: Record<string, string> = { ...service.ours?.facts.env };
  const userSupplied = new Set<string>();
  const problems: string[] = [];
  for (const [name, value] of Object.entries(service.environment)) {
    if (value === null) {
      delete env[name];
      continue;
    }
    const { value: resolved, references } = interpolate(value);
    if (references.some((r) => r.required)) {
      userSupplied.add(name);
      env[name] = resolved;
      continue;
    }
    // Reported once here; the loaders would only repeat it.
    if (resolved.trim() === '') {
      problems.push(`${name} would be empty (set but blank stops the process)`);
      delete env[name];
    } else env[name] = resolved;
  }
  return { env, userSupplied, problems };
}

function settingsProblems(services: readonly Service[]): string[] {
  const problems: string[] = [];
  for (const service of services) {
    if (!service.ours) continue;
    const { role, facts } = service.ours;
    const say = (problem: string) => problems.push(`${service.name}: ${problem}`);
    if (role === undefined) {
      say(`command ${JSON.stringify(service.ours.command)} is none of the image's: ["api"] or ["bootstrap"]`);
      continue;
    }
    const { env, userSupplied, problems: blank } = effectiveEnv(service);
    blank.forEach(say);
    const known: Env = Object.fromEntries(Object.entries(env).filter(([name]) => !userSupplied.has(name)));
    const missing = SHARED_ENGINE_VARIABLES.filter((name) => env[name] === undefined);
    if (missing.length > 0) say(`${missing.join(' and ')} not set: the ${role} refuses to start without it`);
    const load = (what: () => unknown) => {
      try {
        what();
      } catch (error) {
        if (error instanceof ConfigError) say(`invalid setting: ${error.message}`);
        else throw error;
      }
    };
    load(() => loadEngineConfig(known));
    load(() => oneOf(known, 'LOG_LEVEL', 'info', LOG_LEVELS));
    const endpoint = known['DYNAMODB_ENDPOINT'];
    const endpointHost = endpoint === undefined ? undefined : hostOf(endpoint);
    if (endpointHost !== undefined && !LOOPBACK.test(endpointHost) && !endpointHost.endsWith('.amazonaws.com'))
      for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'])
        if (env[name] === undefined) say(`${name} not set: the AWS SDK finds no credentials for DynamoDB at ${endpointHost}`);
    if (env['IVM_CONTRACTS_DIR'] !== undefined && facts.contractsDir !== undefined && env['IVM_CONTRACTS_DIR'].replace(/\/$/, '') !== facts.contractsDir)
      say(`IVM_CONTRACTS_DIR=${env['IVM_CONTRACTS_DIR']}, but the image has its contracts at ${facts.contractsDir}`);
    if (role === 'bootstrap') continue;

    load(() => loadWorkerRuntimeConfig(known));
    if (env['OPENSEARCH_URL'] === undefined) say('OPENSEARCH_URL not set: the opensearch sinks would stay unconfigured');
    else if (!userSupplied.has('OPENSEARCH_URL') && !/^https?:$/.test(URL.canParse(env['OPENSEARCH_URL']) ? new URL(env['OPENSEARCH_URL']).protocol : ''))
      say(`OPENSEARCH_URL=${env['OPENSEARCH_URL']} is not an http(s) URL`);
    // A published port must reach the process: it listens on all interfaces, on that port.
    const [hostVar, portVar, defaultPort] = role === 'api' ? ['HOST', 'PORT', '3000'] : ['WORKER_HOST', 'WORKER_PORT', '3001'];
    const targets = publishedTargets(service.raw['ports']);
    if (targets.length > 0 && !['0.0.0.0', '::'].includes(env[hostVar] ?? '127.0.0.1'))
      say(`${hostVar}=${env[hostVar] ?? '127.0.0.1 (default)'}: its published ports cannot reach it (use 0.0.0.0)`);
    for (const target of targets)
      if (target !== (env[portVar] ?? defaultPort)) say(`publishes container port ${target}, but it listens on ${portVar}=${env[portVar] ?? defaultPort}`);
  }
  return problems;
}

/** The container side of each published port. */
function publishedTargets(ports: unknown): string[] {
  if (!Array.isArray(ports)) return [];
  return ports.flatMap((port) => {
    if (isRecord(port)) return port['target'] === undefined ? [] : [String(port['target'])];
    const spec = String(port).replace(/\/(tcp|udp)$/, '');
    const target = spec.split(':').at(-1);
    return target === undefined ? [] : [target];
  });
}

const DURATION = /(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)/g;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, ns: 0.000001 };

/** A compose duration (`1m30s`, `500ms`) in ms; undefined if unreadable. */
export function durationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return value * 1000;
  if (typeof value !== 'string' || !/^((\d+(\.\d+)?)(ms|us|ns|h|m|s))+$/.test(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(DURATION)) total += Number(amount) * (UNIT_MS[unit ?? 's'] ?? 0);
  return total;
}

function shutdownProblems(services: readonly Service[]): string[] {
  const problems: string[] = [];
  for (const service of services) {
    const role = service.ours?.role;
    if (role !== 'api' && role !== 'worker') continue;
    if (service.raw['init'] !== true) problems.push(`${service.name}: init: true (an init as PID 1 forwards SIGTERM and reaps children)`);
    if (role !== 'worker') continue;
    const { env } = effectiveEnv(service);
    const graceMs = Number(env['IVM_WORKER_SHUTDOWN_GRACE_MS'] ?? 10_000);
    const stopMs = service.raw['stop_grace_period'] === undefined ? 10_000 : durationMs(service.raw['stop_grace_period']);
    if (stopMs === undefined) problems.push(`${service.name}: stop_grace_period ${String(service.raw['stop_grace_period'])} is no duration`);
    else if (stopMs <= graceMs)
      problems.push(
        `${service.name}: stop_grace_period is ${stopMs} ms, not more than IVM_WORKER_SHUTDOWN_GRACE_MS (${graceMs} ms): Docker would kill it before it releases its tasks`,
      );
  }
  return problems;
}
