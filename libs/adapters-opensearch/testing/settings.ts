import { illegalArgument, UnsupportedError } from './errors';
import { isObject } from './json';

/**
 * Index settings as OpenSearch keeps them: a flat map of `index.*` keys to strings. The test
 * server knows only the settings below; any other key is refused as unsupported (a real cluster
 * would refuse a truly unknown one too, with the same "unknown setting" text).
 */
interface SettingRule {
  readonly dynamic: boolean;
  readonly defaultValue: string;
  /** @throws OpenSearchError when the value is not valid for the setting */
  validate(key: string, value: string): void;
}

const intAtLeast =
  (min: number) =>
  (key: string, value: string): void => {
    if (!/^-?\d+$/.test(value)) throw illegalArgument(`Failed to parse value [${value}] for setting [${key}]`);
    if (Number(value) < min) throw illegalArgument(`Failed to parse value [${value}] for setting [${key}] must be >= ${min}`);
  };

const timeValue = (key: string, value: string): void => {
  parseTimeValue(key, value);
};

const booleanValue = (_key: string, value: string): void => {
  if (value !== 'true' && value !== 'false') throw illegalArgument(`Failed to parse value [${value}] as only [true] or [false] are allowed.`);
};

const RULES: Readonly<Record<string, SettingRule>> = {
  'index.number_of_shards': { dynamic: false, defaultValue: '1', validate: intAtLeast(1) },
  'index.number_of_replicas': { dynamic: true, defaultValue: '1', validate: intAtLeast(0) },
  // How long a delete's version is remembered (InternalEngine#resolveDocVersion); default 60s.
  'index.gc_deletes': { dynamic: true, defaultValue: '60s', validate: timeValue },
  'index.refresh_interval': { dynamic: true, defaultValue: '1s', validate: timeValue },
  'index.max_result_window': { dynamic: true, defaultValue: '10000', validate: intAtLeast(1) },
  'index.mapping.coerce': { dynamic: false, defaultValue: 'true', validate: booleanValue },
};

/** Settings OpenSearch sets itself at creation; a client may not set them. */
const PRIVATE = new Set(['index.uuid', 'index.creation_date', 'index.provided_name', 'index.version.created']);

/** OpenSearch 2.19.1's Version id (2_19_01_99 with the OpenSearch mask bit), as `index.version.created` shows it. */
export const VERSION_CREATED = '136407927';

/**
 * Flattens `{index: {gc_deletes: "1h"}}`, `{"index.gc_deletes": "1h"}` and `{gc_deletes: "1h"}` to
 * `{"index.gc_deletes": "1h"}` (Settings#normalizePrefix). `null` means "back to the default".
 */
export function normalizeSettings(input: unknown): Map<string, string | null> {
  const flat = new Map<string, string | null>();
  const walk = (prefix: string, value: unknown): void => {
    if (isObject(value)) {
      for (const [key, inner] of Object.entries(value)) walk(prefix === '' ? key : `${prefix}.${key}`, inner);
      return;
    }
    const key = prefix.startsWith('index.') ? prefix : `index.${prefix}`;
    if (value === null) flat.set(key, null);
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') flat.set(key, String(value));
    else throw new UnsupportedError('illegal_argument_exception', `setting [${key}] has a list or other non-scalar value`);
  };
  if (input !== undefined && input !== null) {
    if (!isObject(input)) throw illegalArgument('settings must be an object');
    walk('', input);
  }
  return flat;
}

/** Milliseconds of a time value ("500ms", "60s", "5m", "1h", "2d", "0", "-1"), as TimeValue#parseTimeValue reads it. */
export function parseTimeValue(key: string, value: string): number {
  if (value === '-1') return -1;
  if (value === '0') return 0;
  const match = /^(-?\d+(?:\.\d+)?)\s*(nanos|micros|ms|s|m|h|d)$/.exec(value.trim().toLowerCase());
  if (match === null) throw illegalArgument(`failed to parse setting [${key}] with value [${value}] as a time value: unit is missing or unrecognized`);
  const [, amount = '', unit = ''] = match;
  if (amount.includes('.')) throw illegalArgument(`failed to parse [${value}], fractional time values are not supported`);
  const factor: Record<string, number> = { nanos: 1e-6, micros: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const millis = Number(amount) * (factor[unit] ?? 1);
  if (millis < -1) throw illegalArgument(`failed to parse value [${value}] for setting [${key}], must be >= [-1]`);
  return millis;
}

function checkKnown(key: string): SettingRule {
  const rule = RULES[key];
  if (rule !== undefined) return rule;
  throw new UnsupportedError(
    'illegal_argument_exception',
    `unknown setting [${key}] please check that any required plugins are installed, or check the breaking changes documentation for removed settings`,
  );
}

/** One index's settings. */
export class IndexSettings {
  private readonly values = new Map<string, string>();

  /** @throws OpenSearchError for a private, unknown or invalid setting */
  constructor(name: string, uuid: string, createdAt: number, provided: Map<string, string | null>) {
    for (const [key, value] of provided) {
      if (PRIVATE.has(key)) throw illegalArgument(`private index setting [${key}] can not be set explicitly`);
      const rule = checkKnown(key);
      if (value === null) continue;
      rule.validate(key, value);
      this.values.set(key, value);
    }
    // MetadataCreateIndexService always writes these, so GET shows them even when not given.
    if (!this.values.has('index.number_of_shards')) this.values.set('index.number_of_shards', '1');
    if (!this.values.has('index.number_of_replicas')) this.values.set('index.number_of_replicas', '1');
    this.values.set('index.uuid', uuid);
    this.values.set('index.creation_date', String(createdAt));
    this.values.set('index.provided_name', name);
    this.values.set('index.version.created', VERSION_CREATED);
  }

  get(key: string): string {
    return this.values.get(key) ?? RULES[key]?.defaultValue ?? '';
  }

  /** True when the setting was given (not the default). */
  isSet(key: string): boolean {
    return this.values.has(key);
  }

  timeMs(key: 'index.gc_deletes' | 'index.refresh_interval'): number {
    return parseTimeValue(key, this.get(key));
  }

  /**
   * `PUT /{index}/_settings`: all or nothing, dynamic settings only.
   * @throws OpenSearchError naming the first bad setting
   */
  update(index: string, uuid: string, changes: Map<string, string | null>): void {
    const nonDynamic: string[] = [];
    for (const [key, value] of changes) {
      if (PRIVATE.has(key)) throw illegalArgument(`final index setting [${key}], not updateable`);
      const rule = checkKnown(key);
      if (value !== null) rule.validate(key, value);
      if (!rule.dynamic) nonDynamic.push(key);
    }
    if (nonDynamic.length > 0) throw illegalArgument(`Can't update non dynamic settings [[${nonDynamic.join(', ')}]] for open indices [[${index}/${uuid}]]`);
    for (const [key, value] of changes) {
      if (value === null) this.values.delete(key);
      else this.values.set(key, value);
    }
  }

  /** As GET shows them: nested objects of strings, or flat keys with `flat_settings=true`. */
  render(flat: boolean): Record<string, unknown> {
    const sorted = [...this.values.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (flat) return Object.fromEntries(sorted);
    const nested: Record<string, unknown> = {};
    for (const [key, value] of sorted) {
      const parts = key.split('.');
      let node = nested;
      for (const part of parts.slice(0, -1)) {
        const next = node[part];
        node = (isObject(next) ? next : (node[part] = {})) as Record<string, unknown>;
      }
      node[parts[parts.length - 1] ?? key] = value;
    }
    return nested;
  }
}
