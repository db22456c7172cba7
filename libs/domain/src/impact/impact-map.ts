import type { ImpactRule, RuleSetContract } from '../contracts/model';
import { JoinImpactUndeclaredError, UnmatchedChangePathError } from '../errors';
import { overlaps, parsePath } from '../paths/path';
import type { Change } from '../ports/records';

export interface RuleMatch {
  readonly sliceTypes: ReadonlySet<string>;
  /** Changed paths no rule matched, in change order. */
  readonly unmatched: readonly string[];
}

/** The slice types the rules map the changed paths to; a rule matches a path it overlaps. */
export function matchRules(rules: readonly ImpactRule[], changes: readonly Change[]): RuleMatch {
  const sliceTypes = new Set<string>();
  const unmatched: string[] = [];
  for (const change of changes) {
    const path = parsePath(change.path);
    let matched = false;
    for (const rule of rules) {
      if (!overlaps(rule.selector, path)) continue;
      matched = true;
      for (const type of rule.slices) sliceTypes.add(type);
    }
    if (!matched) unmatched.push(change.path);
  }
  return { sliceTypes, unmatched };
}

/**
 * The ImpactedSliceSet of a change set under the RuleSet's ImpactMap (SPEC §4). An unmatched
 * path fails closed, or rebuilds every slice type where the RuleSet says FULL_REBUILD.
 */
export function impactedSliceTypes(ruleSet: RuleSetContract, changes: readonly Change[]): string[] {
  const { sliceTypes, unmatched } = matchRules(ruleSet.impactMap, changes);
  if (unmatched.length > 0) {
    if (ruleSet.unmatchedPolicy === 'FAIL_CLOSED') throw new UnmatchedChangePathError(ruleSet.id, unmatched);
    return ruleSet.slices.map((s) => s.type);
  }
  return ruleSet.slices.map((s) => s.type).filter((type) => sliceTypes.has(type));
}

/** Slice types of the parent RuleSet that a change of the joined entity impacts; undeclared paths fail closed. */
export function joinImpactedSliceTypes(ruleSet: RuleSetContract, joinName: string, rules: readonly ImpactRule[], changes: readonly Change[]): string[] {
  const { sliceTypes, unmatched } = matchRules(rules, changes);
  if (unmatched.length > 0) throw new JoinImpactUndeclaredError(ruleSet.id, joinName, unmatched);
  return ruleSet.slices.map((s) => s.type).filter((type) => sliceTypes.has(type));
}
