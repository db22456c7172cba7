import type { RuleSetContract } from '../contracts/model';
import { indexEntriesOf } from '../inverted-index/inverted-index';
import type { IndexEntry, SliceSet } from '../ports/records';
import type { IndexStore, SliceStore } from '../ports/stores';

const entryId = (e: IndexEntry): string => `${e.indexKey}\u0000${e.entityKey}`;

/**
 * After a slicing lost its commit to another writer, brings the index entries it changed back in
 * line with the slice set that did commit: its additions that set lacks are removed, its removals
 * that set still has are added again. Entries it did not touch were never changed by it.
 */
export async function reconcileIndex(
  stores: { readonly slices: SliceStore; readonly index: IndexStore },
  tenantId: string,
  ruleSet: RuleSetContract,
  entityKey: string,
  changed: { readonly indexAdded: readonly IndexEntry[]; readonly indexRemoved: readonly IndexEntry[] },
  committed: SliceSet | undefined,
): Promise<void> {
  if (changed.indexAdded.length === 0 && changed.indexRemoved.length === 0) return;
  const sources = [...new Set(ruleSet.indexes.map((index) => index.fromSlice))].filter((type) => committed?.slices[type] !== undefined);
  const records = await stores.slices.get(
    tenantId,
    sources.map((sliceType) => ({ entityKey, version: (committed as SliceSet).slices[sliceType]?.version as number, sliceType })),
  );
  const live = new Set<string>();
  records.forEach((record, i) => {
    if (record && !record.tombstone) for (const entry of indexEntriesOf(ruleSet, sources[i] as string, record.data, entityKey)) live.add(entryId(entry));
  });
  const stray = changed.indexAdded.filter((e) => !live.has(entryId(e)));
  const lost = changed.indexRemoved.filter((e) => live.has(entryId(e)));
  if (stray.length > 0) await stores.index.remove(tenantId, stray);
  if (lost.length > 0) await stores.index.add(tenantId, lost);
}
