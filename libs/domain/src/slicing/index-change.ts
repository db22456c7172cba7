import type { JsonObject } from '../canonical/canonical-json';
import type { RuleSetContract } from '../contracts/model';
import { indexEntriesOf, isIndexSource } from '../inverted-index/inverted-index';
import type { IndexEntry, SliceRef, SlicingState } from '../ports/records';
import type { IndexStore, SliceStore } from '../ports/stores';

/** One entity's move from one slicing state to the next, with the index-source payloads already at hand (by `refId`). */
export interface IndexTransition {
  readonly ruleSet: RuleSetContract;
  readonly entityKey: string;
  readonly before: SlicingState | undefined;
  readonly after: SlicingState;
  readonly known: ReadonlyMap<string, JsonObject | null>;
}

export interface IndexChange {
  readonly added: IndexEntry[];
  readonly removed: IndexEntry[];
}

export const NO_INDEX_CHANGE: IndexChange = Object.freeze({ added: [], removed: [] }) as IndexChange;

/** A slice reference's identity: a payload is known by it. */
export const refId = (sliceType: string, ref: SliceRef): string => `${sliceType}@${ref.version}#${ref.hash}`;

const entryId = (e: IndexEntry): string => `${e.indexKey}\u0000${e.entityKey}`;

/**
 * The index entries a head stands for are those of the index-source slices of its active AND its
 * sliced set: a product whose newer version moved to another brand without cutover is still
 * found under the brand its readers see. This computes, for many entities at once, the entries
 * to add and remove to move the index from `before` to `after`; payloads not at hand are read
 * in one call. An entity whose index-source references did not change costs nothing.
 */
export async function indexChanges(slices: SliceStore, tenantId: string, transitions: readonly IndexTransition[]): Promise<IndexChange[]> {
  const wanted = transitions.map((t) => {
    const before = sourceRefs(t.ruleSet, t.before);
    const after = sourceRefs(t.ruleSet, t.after);
    return sameKeys(before, after) ? undefined : { before, after };
  });
  const missing = new Map<string, { entityKey: string; version: number; sliceType: string }>();
  wanted.forEach((refs, i) => {
    if (!refs) return;
    const t = transitions[i] as IndexTransition;
    for (const [id, { sliceType, ref }] of [...refs.before, ...refs.after]) {
      if (!t.known.has(id)) missing.set(`${t.entityKey}\u0000${id}`, { entityKey: t.entityKey, version: ref.version, sliceType });
    }
  });
  const keys = [...missing.values()];
  const fetched = keys.length === 0 ? [] : await slices.get(tenantId, keys);
  const read = new Map<string, JsonObject | null>();
  keys.forEach((key, i) => {
    const record = fetched[i];
    read.set(`${key.entityKey}\u0000${key.sliceType}@${key.version}`, record && !record.tombstone ? record.data : null);
  });
  return wanted.map((refs, i) => {
    if (!refs) return NO_INDEX_CHANGE;
    const t = transitions[i] as IndexTransition;
    const payload = (id: string, sliceType: string, ref: SliceRef): JsonObject | null =>
      t.known.has(id) ? (t.known.get(id) ?? null) : (read.get(`${t.entityKey}\u0000${sliceType}@${ref.version}`) ?? null);
    const entries = (map: Map<string, { sliceType: string; ref: SliceRef }>): Map<string, IndexEntry> => {
      const out = new Map<string, IndexEntry>();
      for (const [id, { sliceType, ref }] of map)
        for (const e of indexEntriesOf(t.ruleSet, sliceType, payload(id, sliceType, ref), t.entityKey)) out.set(entryId(e), e);
      return out;
    };
    const before = entries(refs.before);
    const after = entries(refs.after);
    return {
      added: sorted([...after].filter(([id]) => !before.has(id)).map(([, e]) => e)),
      removed: sorted([...before].filter(([id]) => !after.has(id)).map(([, e]) => e)),
    };
  });
}

/** Writes the changes: every addition first, then every removal (both idempotent). */
export async function applyIndexChanges(index: IndexStore, tenantId: string, changes: readonly IndexChange[]): Promise<void> {
  const added = changes.flatMap((c) => c.added);
  const removed = changes.flatMap((c) => c.removed);
  if (added.length > 0) await index.add(tenantId, added);
  if (removed.length > 0) await index.remove(tenantId, removed);
}

/** The index-source references of a state's active and sliced sets, by `refId`. */
function sourceRefs(ruleSet: RuleSetContract, state: SlicingState | undefined): Map<string, { sliceType: string; ref: SliceRef }> {
  const out = new Map<string, { sliceType: string; ref: SliceRef }>();
  for (const set of [state?.active, state?.sliced]) {
    if (!set) continue;
    for (const [sliceType, ref] of Object.entries(set.slices)) if (isIndexSource(ruleSet, sliceType)) out.set(refId(sliceType, ref), { sliceType, ref });
  }
  return out;
}

function sameKeys(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): boolean {
  return a.size === b.size && [...a.keys()].every((k) => b.has(k));
}

function sorted(entries: IndexEntry[]): IndexEntry[] {
  return entries.sort((x, y) =>
    x.indexKey < y.indexKey ? -1 : x.indexKey > y.indexKey ? 1 : x.entityKey < y.entityKey ? -1 : x.entityKey > y.entityKey ? 1 : 0,
  );
}
