import { canonicalJson, isJsonObject, type Json, type JsonObject } from '../canonical/canonical-json';
import type { ArrayDiffRule, EntitySchemaContract } from '../contracts/model';
import { formatPointer, parsePath, type PathSegments, WILDCARD } from '../paths/path';
import type { Change } from '../ports/records';

/**
 * The schema-aware canonical diff of two documents (undefined = no document: before creation
 * or after deletion). Changes come in path order; a whole new or removed subtree is one change.
 * Arrays diff as one value unless the schema keys them, in which case members are matched by key
 * (path segment = the key) and a change of member order replaces the whole array.
 */
export function diffDocuments(schema: EntitySchemaContract, before: JsonObject | undefined, after: JsonObject | undefined): Change[] {
  const out: Change[] = [];
  const rules = [...schema.arrays].map(([pointer, rule]) => ({ pattern: parsePath(pointer), rule }));
  // A created or deleted entity changes each top-level field, so impact maps see real paths.
  diffValue([], before ?? {}, after ?? {}, rules, out);
  return out;
}

interface ArrayRuleEntry {
  readonly pattern: PathSegments;
  readonly rule: ArrayDiffRule;
}

function diffValue(path: string[], a: Json | undefined, b: Json | undefined, rules: readonly ArrayRuleEntry[], out: Change[]): void {
  if (a === undefined && b === undefined) return;
  if (a === undefined) {
    out.push({ op: 'add', path: formatPointer(path), after: b as Json });
    return;
  }
  if (b === undefined) {
    out.push({ op: 'remove', path: formatPointer(path), before: a });
    return;
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    for (const key of unionKeys(a, b)) {
      path.push(key);
      diffValue(path, a[key], b[key], rules, out);
      path.pop();
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const rule = ruleFor(path, rules);
    if (rule?.mode === 'keyed' && diffKeyed(path, a as readonly Json[], b as readonly Json[], rule.key, rules, out)) return;
  }
  if (!jsonEqual(a, b)) out.push({ op: 'replace', path: formatPointer(path), before: a, after: b });
}

/** Returns false when the arrays cannot be keyed (a member without a key, a duplicate key, a reorder). */
function diffKeyed(path: string[], a: readonly Json[], b: readonly Json[], key: string, rules: readonly ArrayRuleEntry[], out: Change[]): boolean {
  const left = keyMembers(a, key);
  const right = keyMembers(b, key);
  if (!left || !right) return false;
  const common = (order: Map<string, Json>, other: Map<string, Json>): string[] => [...order.keys()].filter((k) => other.has(k));
  if (common(left, right).join('\u0000') !== common(right, left).join('\u0000')) return false;
  for (const k of [...new Set([...left.keys(), ...right.keys()])].sort()) {
    path.push(k);
    diffValue(path, left.get(k), right.get(k), rules, out);
    path.pop();
  }
  return true;
}

function keyMembers(members: readonly Json[], key: string): Map<string, Json> | null {
  const map = new Map<string, Json>();
  for (const member of members) {
    const k = isJsonObject(member) ? member[key] : undefined;
    if (typeof k !== 'string' && typeof k !== 'number') return null;
    const text = String(k);
    if (map.has(text)) return null;
    map.set(text, member);
  }
  return map;
}

function ruleFor(path: readonly string[], rules: readonly ArrayRuleEntry[]): ArrayDiffRule | undefined {
  return rules.find(({ pattern }) => pattern.length === path.length && pattern.every((s, i) => s === WILDCARD || s === path[i]))?.rule;
}

function unionKeys(a: JsonObject, b: JsonObject): string[] {
  const keys = new Set(Object.keys(a));
  for (const k of Object.keys(b)) keys.add(k);
  return [...keys].sort();
}

export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return canonicalJson(a) === canonicalJson(b);
}
