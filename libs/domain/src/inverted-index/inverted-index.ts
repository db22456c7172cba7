import { canonicalJson, type JsonObject } from '../canonical/canonical-json';
import type { IndexSpec, RuleSetContract } from '../contracts/model';
import { valuesAt } from '../paths/path';
import type { IndexEntry } from '../ports/records';

/**
 * The canonical text of an index value: strings as they are, other scalars as canonical JSON,
 * with '%' and '#' percent-encoded so a value can never forge another key's separators.
 */
export function canonicalIndexValue(value: string | number | boolean): string {
  const text = typeof value === 'string' ? value : canonicalJson(value);
  if (!text.includes('%') && !text.includes('#')) return text;
  return text.replace(/%/g, '%25').replace(/#/g, '%23');
}

const templates = new WeakMap<IndexSpec, Map<string, readonly string[]>>();

/** The format split around {value}, with {indexType} and {entityType} filled in (cached: keys are on the hot path). */
function template(spec: IndexSpec, entityType: string): readonly string[] {
  let byType = templates.get(spec);
  if (!byType) templates.set(spec, (byType = new Map()));
  let parts = byType.get(entityType);
  if (!parts) {
    parts = spec.format
      .replace(/\{indexType\}/g, spec.type)
      .replace(/\{entityType\}/g, entityType)
      .split('{value}');
    byType.set(entityType, parts);
  }
  return parts;
}

/** The index key in the SSOT format, e.g. `IDX#brand#B77#product`. */
export function indexKeyOf(spec: IndexSpec, canonicalValue: string, entityType: string): string {
  return template(spec, entityType).join(canonicalValue);
}

/** Canonical, de-duplicated, sorted values a selector yields from a slice payload (scalars only). */
export function indexValues(spec: IndexSpec, data: JsonObject): string[] {
  const values = new Set<string>();
  for (const value of valuesAt(data, spec.selector)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') values.add(canonicalIndexValue(value));
  }
  return [...values].sort();
}

const sources = new WeakMap<RuleSetContract, ReadonlySet<string>>();

/** True when some index of the RuleSet is derived from this slice type. */
export function isIndexSource(ruleSet: RuleSetContract, sliceType: string): boolean {
  let types = sources.get(ruleSet);
  if (!types) sources.set(ruleSet, (types = new Set(ruleSet.indexes.map((x) => x.fromSlice))));
  return types.has(sliceType);
}

/** Index entries derived from one slice of an entity: same slice ⇒ same entries. */
export function indexEntriesOf(ruleSet: RuleSetContract, sliceType: string, data: JsonObject | null, entityKey: string): IndexEntry[] {
  if (data === null) return [];
  const entries: IndexEntry[] = [];
  for (const spec of ruleSet.indexes) {
    if (spec.fromSlice !== sliceType) continue;
    for (const value of indexValues(spec, data)) entries.push({ indexKey: indexKeyOf(spec, value, ruleSet.entityType), entityKey });
  }
  return entries.sort(compareEntries);
}

export interface IndexDelta {
  readonly added: readonly IndexEntry[];
  readonly removed: readonly IndexEntry[];
}

/** Entries to add and to remove to go from one slice state to another. */
export function indexDelta(before: readonly IndexEntry[], after: readonly IndexEntry[]): IndexDelta {
  if (before.length === 0 || after.length === 0) return { added: after, removed: before };
  const key = (e: IndexEntry): string => `${e.indexKey}\u0000${e.entityKey}`;
  const had = new Set(before.map(key));
  const has = new Set(after.map(key));
  return {
    added: after.filter((e) => !had.has(key(e))),
    removed: before.filter((e) => !has.has(key(e))),
  };
}

export function compareEntries(a: IndexEntry, b: IndexEntry): number {
  if (a.indexKey !== b.indexKey) return a.indexKey < b.indexKey ? -1 : 1;
  return a.entityKey < b.entityKey ? -1 : a.entityKey > b.entityKey ? 1 : 0;
}
