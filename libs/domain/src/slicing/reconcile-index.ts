import type { RuleSetContract } from '../contracts/model';
import type { IndexEntry, SlicingState } from '../ports/records';
import type { IndexStore, SliceStore } from '../ports/stores';
import { indexChanges } from './index-change';

const entryId = (e: IndexEntry): string => `${e.indexKey}\u0000${e.entityKey}`;

/**
 * After a slicing lost its commit to another writer, brings the index entries it changed back in
 * line with the state that did commit (the entries of its active and sliced sets): its additions
 * that state lacks are removed, its removals that state still has are added again. Entries it did
 * not touch were never changed by it.
 */
export async function reconcileIndex(
  stores: { readonly slices: SliceStore; readonly index: IndexStore },
  tenantId: string,
  ruleSet: RuleSetContract,
  entityKey: string,
  changed: { readonly added: readonly IndexEntry[]; readonly removed: readonly IndexEntry[] },
  committed: SlicingState | undefined,
): Promise<void> {
  if (changed.added.length === 0 && changed.removed.length === 0) return;
  const [desired] = await indexChanges(stores.slices, tenantId, [{ ruleSet, entityKey, before: undefined, after: committed ?? {}, known: new Map() }]);
  const live = new Set((desired?.added ?? []).map(entryId));
  const stray = changed.added.filter((e) => !live.has(entryId(e)));
  const lost = changed.removed.filter((e) => live.has(entryId(e)));
  if (stray.length > 0) await stores.index.remove(tenantId, stray);
  if (lost.length > 0) await stores.index.add(tenantId, lost);
}
