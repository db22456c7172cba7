import { compareSemver } from '../contracts/semver';
import { SliceInvariantViolationError } from '../errors';
import type { SliceRecord } from '../ports/records';
import type { SliceExpectation } from '../ports/stores';
import type { BuiltSlice } from './build-slice';
import { compareInputVectors } from './input-vector';

/**
 * What to do with a freshly built slice given the effective one (SPEC §5–§6):
 * - unchanged: same hash, or empty where nothing live exists;
 * - superseded: the stored slice at this very version came from newer inputs or a newer RuleSet
 *   version (a late, stale build);
 * - write: a new record at this version, or an overwrite of one built from strictly older inputs.
 */
export type WriteDecision =
  | { readonly kind: 'unchanged' }
  /** `by: 'ruleSet'`: the stored slice was built by a newer RuleSet version than this build's. */
  | { readonly kind: 'superseded'; readonly by: 'inputs' | 'ruleSet' }
  | { readonly kind: 'write'; readonly expected: SliceExpectation };

const UNCHANGED: WriteDecision = Object.freeze({ kind: 'unchanged' });
const SUPERSEDED: WriteDecision = Object.freeze({ kind: 'superseded', by: 'inputs' });
const OUTDATED: WriteDecision = Object.freeze({ kind: 'superseded', by: 'ruleSet' });
const WRITE_NEW: WriteDecision = Object.freeze({ kind: 'write', expected: Object.freeze({ absent: true }) });

export function decideWrite(built: BuiltSlice, effective: SliceRecord | undefined, version: number, ruleSetVersion: string): WriteDecision {
  const effectivelyEmpty = effective === undefined || effective.tombstone;
  if (built.tombstone && effectivelyEmpty) return UNCHANGED;
  if (effective !== undefined && effective.hash === built.hash) return UNCHANGED;
  if (effective === undefined || effective.version < version) return WRITE_NEW;

  // Same key: a newer RuleSet version always wins and an older one never overwrites (two code
  // versions side by side in a rolling deploy cannot flip the slice back and forth); under the
  // same RuleSet only a strictly newer input vector may overwrite.
  const where = `${effective.entityKey}@${version}/${built.sliceType}`;
  const byRuleSet = compareSemver(ruleSetVersion, effective.ruleSetRef.version);
  if (byRuleSet > 0) return { kind: 'write', expected: { hash: effective.hash, inputVector: effective.inputVector } };
  if (byRuleSet < 0) return OUTDATED;
  switch (compareInputVectors(built.inputVector, effective.inputVector)) {
    case 'newer':
      return { kind: 'write', expected: { hash: effective.hash, inputVector: effective.inputVector } };
    case 'older':
      return SUPERSEDED;
    case 'equal':
      throw new SliceInvariantViolationError(
        `${where}: the same input vector ${JSON.stringify(built.inputVector)} produced a different hash; the build is not deterministic`,
      );
    case 'incomparable':
      throw new SliceInvariantViolationError(
        `${where}: input vectors ${JSON.stringify(built.inputVector)} and ${JSON.stringify(effective.inputVector)} read different entities for one version`,
      );
  }
}
