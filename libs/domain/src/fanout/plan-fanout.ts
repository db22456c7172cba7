import type { RuleSetContract } from '../contracts/model';
import type { ContractRegistry, JoinReference } from '../contracts/registry';
import { MissingIndexError } from '../errors';
import { joinImpactedSliceTypes } from '../impact/impact-map';
import { canonicalIndexValue, indexKeyOf } from '../inverted-index/inverted-index';
import { parseEntityKey } from '../entity-keys/entity-keys';
import type { Change } from '../ports/records';
import type { IndexStore } from '../ports/stores';

/** One bounded unit of fan-out work: parents of one join and the slice types to rebuild in each. */
export interface FanoutBatch {
  readonly ruleSetId: string;
  readonly joinName: string;
  /** The index key the parents were found under. */
  readonly indexKey: string;
  /** Parent entity keys, ascending. */
  readonly entityKeys: readonly string[];
  readonly sliceTypes: readonly string[];
}

/** What changed in the joined entity: a change set's changes, or everything (a FULL rebuild). */
export type FanoutCause = { readonly changes: readonly Change[] } | { readonly everything: true };

/** One join through which a change reaches parents: which slice types, under which index key. */
export interface FanoutTarget {
  readonly reference: JoinReference;
  readonly sliceTypes: readonly string[];
  readonly indexKey: string;
}

/**
 * The pure half of fan-out: for each JoinSpec reading the changed entity's type, the parent
 * slice types its join impact names (an undeclared path fails closed) and the index key that
 * lists the parents (no index fails closed). Runs before anything is written.
 */
export function fanoutTargets(registry: ContractRegistry, changedEntityKey: string, cause: FanoutCause): FanoutTarget[] {
  const references = registry.joinsReading(changedEntityKey.slice(0, changedEntityKey.indexOf('#')));
  if (references.length === 0) return [];
  const { entityId } = parseEntityKey(changedEntityKey);
  const targets: FanoutTarget[] = [];
  for (const reference of references) {
    const sliceTypes = impactedByJoin(reference, cause);
    if (sliceTypes.length > 0) targets.push({ reference, sliceTypes, indexKey: fanoutIndexKey(reference, entityId) });
  }
  return targets;
}

/**
 * Fan-out as a computed key set (SPEC §6): the parents of each target are found by one index
 * key (never a scan) and yielded in entity-key order, in batches of at most the join's
 * `maxFanoutPerBatch` slices per parent version. Which versions of a parent are rebuilt (the
 * active one and the newest sliced one) is read from its head when the batch is rebuilt.
 */
export async function* fanoutBatches(stores: { readonly index: IndexStore }, tenantId: string, targets: readonly FanoutTarget[]): AsyncGenerator<FanoutBatch> {
  for (const { reference, sliceTypes, indexKey } of targets) {
    const parentsPerBatch = Math.max(1, Math.floor(reference.join.maxFanoutPerBatch / sliceTypes.length));
    let after: string | undefined;
    do {
      const page = await stores.index.lookup(tenantId, indexKey, after === undefined ? { limit: parentsPerBatch } : { limit: parentsPerBatch, after });
      after = page.next;
      if (page.entityKeys.length > 0)
        yield { ruleSetId: reference.ruleSet.id, joinName: reference.join.name, indexKey, entityKeys: page.entityKeys, sliceTypes };
    } while (after !== undefined);
  }
}

/** Both halves together: the batches a change of `changedEntityKey` fans out to. */
export function planFanout(
  registry: ContractRegistry,
  stores: { readonly index: IndexStore },
  tenantId: string,
  changedEntityKey: string,
  cause: FanoutCause,
): AsyncGenerator<FanoutBatch> {
  return fanoutBatches(stores, tenantId, fanoutTargets(registry, changedEntityKey, cause));
}

function impactedByJoin({ ruleSet, join }: JoinReference, cause: FanoutCause): string[] {
  if ('changes' in cause) return joinImpactedSliceTypes(ruleSet, join.name, join.impact, cause.changes);
  const all = new Set(join.impact.flatMap((rule) => rule.slices));
  return ruleSet.slices.map((s) => s.type).filter((type) => all.has(type));
}

/** The index key under which the parents of `entityId` are listed; no index means no fan-out: fail closed. */
export function fanoutIndexKey({ ruleSet, join }: JoinReference, entityId: string): string {
  const index = findIndex(ruleSet, join.index);
  return indexKeyOf(index, canonicalIndexValue(entityId), ruleSet.entityType);
}

function findIndex(ruleSet: RuleSetContract, type: string): RuleSetContract['indexes'][number] {
  const index = ruleSet.indexes.find((x) => x.type === type);
  if (!index) throw new MissingIndexError(`RuleSet ${ruleSet.id} declares no index "${type}", so parents of a changed join target cannot be found by key`);
  return index;
}
