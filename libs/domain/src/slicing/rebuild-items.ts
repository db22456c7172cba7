import type { ContractRef, RuleSetContract, SliceSpec } from '../contracts/model';
import { ConcurrencyConflictError, NotFoundError } from '../errors';
import { indexDelta, indexEntriesOf, isIndexSource } from '../inverted-index/inverted-index';
import type { IndexEntry, RawRecord, SliceKey, SliceRecord, SliceRef, SliceSet } from '../ports/records';
import type { HeadStore, IndexStore, RawStore, SliceStore, SliceWrite } from '../ports/stores';
import { buildSlice, type BuiltSlice, joinTargetKey, type ResolvedJoin } from './build-slice';
import { decideWrite, type WriteDecision } from './write-decision';

/** One entity version and the slice types to build for it. */
export interface RebuildItem {
  readonly ruleSet: RuleSetContract;
  readonly entityKey: string;
  readonly version: number;
  readonly specs: readonly SliceSpec[];
  /** The committed slice set the build is compared with: the entity's effective slices at `version`. */
  readonly base: SliceSet | undefined;
  /** The raw record at `version`, when the caller has it already (a head carries the newest). */
  readonly raw?: RawRecord;
}

/** What one entity version's rebuild did, slice types and index entries in deterministic order. */
export interface RebuildOutcome {
  readonly written: string[];
  readonly unchanged: string[];
  readonly tombstoned: string[];
  /** Types whose slice at this version already came from newer inputs or a newer RuleSet (a stale build): left alone. */
  readonly superseded: string[];
  readonly indexAdded: IndexEntry[];
  readonly indexRemoved: IndexEntry[];
  /** The slice set's references after the writes: the base's, with this version's slices in. */
  readonly slices: Record<string, SliceRef>;
}

export interface RebuildStores {
  readonly raw: RawStore;
  readonly heads: HeadStore;
  readonly slices: SliceStore;
  readonly index: IndexStore;
}

type Result = 'written' | 'tombstoned' | 'unchanged' | 'superseded';

interface Pending {
  readonly at: number;
  readonly spec: SliceSpec;
  readonly built: BuiltSlice;
  readonly ref: SliceRef | undefined;
}

/**
 * Rebuilds a chunk of entity versions with a fixed number of store calls: raw versions the
 * caller does not have are read together, each distinct join target's head once, the committed
 * slices a decision needs in one read, and the writes go out as one index add, one index remove
 * and one slice put (another read and put only for conflicts).
 *
 * Nothing here is visible to readers yet: readers and later slicings follow slice sets, and the
 * caller commits the returned references on the entity's head. Until then the previous set stays
 * in force, so a crash or a lost race leaves it whole, and a re-run recomputes the same index
 * delta (adds and removes are idempotent) before committing. Index entries never collide between
 * slices: they carry the entity key, and the registry requires {indexType} and {entityType}.
 */
export async function rebuildItems(stores: RebuildStores, tenantId: string, items: readonly RebuildItem[]): Promise<RebuildOutcome[]> {
  const results = items.map(() => new Map<string, Result>());
  const refs = items.map((item): Record<string, SliceRef> => ({ ...item.base?.slices }));
  const deltas = items.map(() => ({ added: [] as IndexEntry[], removed: [] as IndexEntry[] }));
  const work = items.map((item, at) => ({ item, at })).filter(({ item }) => item.specs.length > 0);
  if (work.length > 0) await rebuildWork(stores, tenantId, items, work, { results, refs, deltas });
  return items.map((item, at) => {
    const byType = results[at] as Map<string, Result>;
    const listOf = (result: Result): string[] => item.specs.filter((spec) => byType.get(spec.type) === result).map((spec) => spec.type);
    const delta = deltas[at] as { added: IndexEntry[]; removed: IndexEntry[] };
    return {
      written: listOf('written'),
      unchanged: listOf('unchanged'),
      tombstoned: listOf('tombstoned'),
      superseded: listOf('superseded'),
      indexAdded: delta.added,
      indexRemoved: delta.removed,
      slices: refs[at] as Record<string, SliceRef>,
    };
  });
}

interface Tally {
  readonly results: Map<string, Result>[];
  readonly refs: Record<string, SliceRef>[];
  readonly deltas: { added: IndexEntry[]; removed: IndexEntry[] }[];
}

async function rebuildWork(
  stores: RebuildStores,
  tenantId: string,
  items: readonly RebuildItem[],
  work: readonly { item: RebuildItem; at: number }[],
  tally: Tally,
): Promise<void> {
  const raws = await Promise.all(work.map(async ({ item }) => item.raw ?? stores.raw.get(tenantId, item.entityKey, item.version)));
  const missing = raws.findIndex((raw) => raw === undefined);
  if (missing >= 0) {
    const { item } = work[missing] as { item: RebuildItem };
    throw new NotFoundError(`${item.entityKey} version ${item.version}`);
  }
  const joins = await resolveJoins(
    stores.heads,
    tenantId,
    work.map(({ item }) => item),
    raws as RawRecord[],
  );

  // Build every slice; only those whose hash differs from the committed one need a decision.
  const pending: Pending[] = [];
  work.forEach(({ item, at }, i) => {
    for (const spec of item.specs) {
      const built = buildSlice(item.ruleSet, spec, raws[i] as RawRecord, joins[i] as ReadonlyMap<string, ResolvedJoin | null>);
      const ref = item.base?.slices[spec.type];
      if (ref?.hash === built.hash || (built.tombstone && ref === undefined)) (tally.results[at] as Map<string, Result>).set(spec.type, 'unchanged');
      else pending.push({ at, spec, built, ref });
    }
  });
  if (pending.length === 0) return;

  // The committed slices a decision reads: the one at this very version (an overwrite) and the
  // previous payload of an index source (for its index delta).
  const fetched = await fetchSlices(
    stores.slices,
    tenantId,
    pending.map(({ at, spec, ref }) => {
      const item = items[at] as RebuildItem;
      const needed = ref !== undefined && (ref.version === item.version || isIndexSource(item.ruleSet, spec.type));
      return needed ? { entityKey: item.entityKey, version: ref.version, sliceType: spec.type } : undefined;
    }),
  );

  const writes: SliceWrite[] = [];
  const writers: Pending[] = [];
  const added: IndexEntry[] = [];
  const removed: IndexEntry[] = [];
  pending.forEach((p, k) => {
    const item = items[p.at] as RebuildItem;
    const previous = fetched[k];
    // Only a slice at this very version needs deciding; over an older one the build is a new record.
    const sameKey = p.ref?.version === item.version ? previous : undefined;
    const decision = p.ref?.version === item.version ? decideWrite(p.built, sameKey, item.version, item.ruleSet.version) : WRITE_NEW;
    if (decision.kind !== 'write') {
      settle(tally, p, decision.kind, sameKey);
      return;
    }
    if (isIndexSource(item.ruleSet, p.spec.type)) {
      const before = previous && !previous.tombstone ? indexEntriesOf(item.ruleSet, p.spec.type, previous.data, item.entityKey) : NO_ENTRIES;
      const delta = indexDelta(before, indexEntriesOf(item.ruleSet, p.spec.type, p.built.data, item.entityKey));
      added.push(...delta.added);
      removed.push(...delta.removed);
      const own = tally.deltas[p.at] as { added: IndexEntry[]; removed: IndexEntry[] };
      own.added.push(...delta.added);
      own.removed.push(...delta.removed);
    }
    writes.push({ record: sliceRecord(tenantId, item, p.built), expected: decision.expected });
    writers.push(p);
  });
  if (added.length > 0) await stores.index.add(tenantId, added);
  if (removed.length > 0) await stores.index.remove(tenantId, removed);
  if (writes.length > 0) await putAndSettle(stores.slices, tenantId, items, writes, writers, tally);
}

/**
 * Puts the writes. A conflict means another writer reached the key first (a duplicate delivery,
 * a racing fan-out, another code version): it is settled against the record that is there now,
 * exactly as if that record had been the committed one: the same content is unchanged, newer
 * inputs supersede this build, older ones are overwritten once more. A second conflict is a
 * ConcurrencyConflictError, which callers retry.
 */
async function putAndSettle(
  store: SliceStore,
  tenantId: string,
  items: readonly RebuildItem[],
  writes: readonly SliceWrite[],
  writers: readonly Pending[],
  tally: Tally,
): Promise<void> {
  const conflicts = new Set(await store.put(writes));
  const again: SliceWrite[] = [];
  const conflicted = writes.filter((w) => conflicts.has(w));
  const there = await fetchSlices(
    store,
    tenantId,
    conflicted.map(({ record }) => ({ entityKey: record.entityKey, version: record.version, sliceType: record.sliceType })),
  );
  writes.forEach((write, k) => {
    const p = writers[k] as Pending;
    if (!conflicts.has(write)) {
      settle(tally, p, p.built.tombstone ? 'tombstoned' : 'written', write.record);
      return;
    }
    const current = there[conflicted.indexOf(write)];
    if (!current) throw new ConcurrencyConflictError(`Slice ${describeKey(write.record)} changed while it was written`);
    const decision = decideWrite(p.built, current, write.record.version, (items[p.at] as RebuildItem).ruleSet.version);
    if (decision.kind === 'write') again.push({ record: write.record, expected: decision.expected });
    else settle(tally, p, decision.kind, current);
  });
  if (again.length === 0) return;
  const lost = await store.put(again);
  if (lost.length > 0) throw new ConcurrencyConflictError(`Slice ${lost.map(({ record }) => describeKey(record)).join(', ')} changed while it was written`);
  for (const write of again) {
    const p = writers[writes.findIndex((w) => w.record === write.record)] as Pending;
    settle(tally, p, p.built.tombstone ? 'tombstoned' : 'written', write.record);
  }
}

/** Records a type's result, pointing the set at the record that now holds its key (if any). */
function settle(tally: Tally, p: Pending, result: Result, record: SliceRecord | undefined): void {
  (tally.results[p.at] as Map<string, Result>).set(p.spec.type, result);
  if (record) (tally.refs[p.at] as Record<string, SliceRef>)[p.spec.type] = { version: record.version, hash: record.hash };
}

const describeKey = (record: SliceRecord): string => `${record.entityKey}@${record.version}/${record.sliceType}`;

/** `slices.get` for the defined keys only, aligned with the input. */
async function fetchSlices(store: SliceStore, tenantId: string, keys: readonly (SliceKey | undefined)[]): Promise<(SliceRecord | undefined)[]> {
  const wanted = keys.filter((key): key is SliceKey => key !== undefined);
  if (wanted.length === 0) return keys.map(() => undefined);
  const found = await store.get(tenantId, wanted);
  let next = 0;
  return keys.map((key) => (key === undefined ? undefined : found[next++]));
}

const NO_ENTRIES: readonly IndexEntry[] = [];

const WRITE_NEW: WriteDecision = Object.freeze({ kind: 'write', expected: Object.freeze({ absent: true }) });

const NO_JOINS: ReadonlyMap<string, ResolvedJoin | null> = new Map();

/** Per item, join name → resolved target; every distinct target's head is read once for the chunk. */
async function resolveJoins(
  heads: HeadStore,
  tenantId: string,
  items: readonly RebuildItem[],
  raws: readonly RawRecord[],
): Promise<ReadonlyMap<string, ResolvedJoin | null>[]> {
  const targets = items.map((item, i) => {
    const byName = new Map<string, string | null>();
    for (const spec of item.specs) {
      for (const name of spec.joins) {
        if (byName.has(name)) continue;
        const join = item.ruleSet.joins.find((j) => j.name === name);
        if (join) byName.set(name, joinTargetKey(join, (raws[i] as RawRecord).data));
      }
    }
    return byName;
  });
  const keys = new Set<string>();
  for (const byName of targets) for (const key of byName.values()) if (key !== null) keys.add(key);
  if (keys.size === 0) return items.map(() => NO_JOINS);
  const found = await heads.getMany(tenantId, [...keys].sort());
  return targets.map((byName) => {
    const resolved = new Map<string, ResolvedJoin | null>();
    for (const [name, targetKey] of byName) resolved.set(name, targetKey === null ? null : { targetKey, target: found.get(targetKey)?.latest });
    return resolved;
  });
}

function sliceRecord(tenantId: string, item: RebuildItem, built: BuiltSlice): SliceRecord {
  return {
    tenantId,
    entityKey: item.entityKey,
    version: item.version,
    sliceType: built.sliceType,
    hash: built.hash,
    tombstone: built.tombstone,
    data: built.data,
    inputVector: built.inputVector,
    ruleSetRef: refOf(item.ruleSet),
  };
}

const refs = new WeakMap<RuleSetContract, ContractRef>();

/** One shared, frozen ref per RuleSet rather than an object per slice record. */
function refOf(ruleSet: RuleSetContract): ContractRef {
  let ref = refs.get(ruleSet);
  if (!ref) refs.set(ruleSet, (ref = Object.freeze({ id: ruleSet.id, version: ruleSet.version })));
  return ref;
}
