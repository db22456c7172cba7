import type { ContractRef, RuleSetContract, SliceSpec } from '../contracts/model';
import { ConcurrencyConflictError, NotFoundError } from '../errors';
import type { JsonObject } from '../canonical/canonical-json';
import { isIndexSource } from '../inverted-index/inverted-index';
import type { RawRecord, SliceKey, SliceRecord, SliceRef, SliceSet } from '../ports/records';
import type { HeadStore, RawStore, SliceStore, SliceWrite } from '../ports/stores';
import { refId } from './index-change';
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

/** What one entity version's rebuild did, slice types in the RuleSet's order. */
export interface RebuildOutcome {
  readonly written: string[];
  readonly unchanged: string[];
  readonly tombstoned: string[];
  /** Types whose slice at this version already came from newer inputs or a newer RuleSet (a stale build): left alone. */
  readonly superseded: string[];
  /** Of those, the types a newer RuleSet version built: this build cannot bring them up to date. */
  readonly outdated: string[];
  /** The slice set's references after the writes: the base's, with this version's slices in. */
  readonly slices: Record<string, SliceRef>;
  /** Payloads of the slices built here, by `refId` (the index reads them without a store read). */
  readonly known: Map<string, JsonObject | null>;
}

/** An item's references as they will be if its join-free writes land (see `beforeJoins`). */
export interface Provisional {
  readonly slices: Record<string, SliceRef>;
  readonly known: ReadonlyMap<string, JsonObject | null>;
}

export interface RebuildOptions {
  /**
   * Called once the slices that read no join are built, before any join target is read, with
   * each item's provisional references. The engine brings the index in line with them here, so
   * that a join target changing after this point can find the entity by its index and make its
   * commit fail (and re-run), instead of missing it.
   */
  readonly beforeJoins?: (provisional: readonly Provisional[]) => Promise<void>;
  /**
   * Compare each build with the record its reference names rather than with the hash the set
   * remembers (a fan-out does: another writer may have rewritten a record that sets share).
   */
  readonly verifyRefs?: boolean;
}

export interface RebuildStores {
  readonly raw: RawStore;
  readonly heads: HeadStore;
  readonly slices: SliceStore;
}

type Result = 'written' | 'tombstoned' | 'unchanged' | 'superseded' | 'outdated';

interface Pending {
  readonly at: number;
  readonly spec: SliceSpec;
  readonly built: BuiltSlice;
  readonly ref: SliceRef | undefined;
}

/**
 * Rebuilds a chunk of entity versions with a fixed number of store calls: raw versions the
 * caller does not have are read together, each distinct join target's head once, the committed
 * slices a decision needs in one read, and the writes go out as one slice put (another read and
 * put only for conflicts). The index is the caller's (see `beforeJoins`).
 *
 * Nothing here is visible to readers yet: readers and later slicings follow slice sets, and the
 * caller commits the returned references on the entity's head. Until then the previous set stays
 * in force, so a crash or a lost race leaves it whole, and a re-run finds what was written.
 */
export async function rebuildItems(
  stores: RebuildStores,
  tenantId: string,
  items: readonly RebuildItem[],
  options: RebuildOptions = {},
): Promise<RebuildOutcome[]> {
  const tally: Tally = {
    results: items.map(() => new Map<string, Result>()),
    refs: items.map((item): Record<string, SliceRef> => ({ ...item.base?.slices })),
    known: items.map(() => new Map<string, JsonObject | null>()),
  };
  const work = items.map((item, at) => ({ item, at })).filter(({ item }) => item.specs.length > 0);
  if (work.length > 0) await rebuildWork(stores, tenantId, items, work, tally, options);
  else if (options.beforeJoins)
    await options.beforeJoins(
      items.map((_, at) => ({ slices: tally.refs[at] as Record<string, SliceRef>, known: tally.known[at] as Map<string, JsonObject | null> })),
    );
  return items.map((item, at) => {
    const byType = tally.results[at] as Map<string, Result>;
    const listOf = (...results: Result[]): string[] => item.specs.filter((spec) => results.includes(byType.get(spec.type) as Result)).map((spec) => spec.type);
    return {
      written: listOf('written'),
      unchanged: listOf('unchanged'),
      tombstoned: listOf('tombstoned'),
      superseded: listOf('superseded', 'outdated'),
      outdated: listOf('outdated'),
      slices: tally.refs[at] as Record<string, SliceRef>,
      known: tally.known[at] as Map<string, JsonObject | null>,
    };
  });
}

interface Tally {
  readonly results: Map<string, Result>[];
  readonly refs: Record<string, SliceRef>[];
  readonly known: Map<string, JsonObject | null>[];
}

async function rebuildWork(
  stores: RebuildStores,
  tenantId: string,
  items: readonly RebuildItem[],
  work: readonly { item: RebuildItem; at: number }[],
  tally: Tally,
  options: RebuildOptions,
): Promise<void> {
  const raws = await Promise.all(work.map(async ({ item }) => item.raw ?? stores.raw.get(tenantId, item.entityKey, item.version)));
  const missing = raws.findIndex((raw) => raw === undefined);
  if (missing >= 0) {
    const { item } = work[missing] as { item: RebuildItem };
    throw new NotFoundError(`${item.entityKey} version ${item.version}`);
  }

  const pending: Pending[] = [];
  const build = (i: number, withJoins: boolean, joins: ReadonlyMap<string, ResolvedJoin | null>): void => {
    const { item, at } = work[i] as { item: RebuildItem; at: number };
    for (const spec of item.specs) {
      if (spec.joins.length > 0 !== withJoins) continue;
      const built = buildSlice(item.ruleSet, spec, raws[i] as RawRecord, joins);
      const ref = item.base?.slices[spec.type];
      // Same hash, same payload: the payload is known under the build's reference and the base's.
      const known = tally.known[at] as Map<string, JsonObject | null>;
      known.set(refId(spec.type, { version: item.version, hash: built.hash }), built.data);
      if (ref?.hash === built.hash) known.set(refId(spec.type, ref), built.data);
      pending.push({ at, spec, built, ref });
    }
  };
  // The slices that read no join first: the caller settles the index before a join target is read.
  work.forEach((_, i) => build(i, false, NO_JOINS));
  if (options.beforeJoins) {
    // An index source that reads a join is built once more without it: its index values are the
    // entity's own fields, which a join does not change.
    const provisional: Pending[] = [...pending];
    work.forEach(({ item, at }, i) => {
      for (const spec of item.specs) {
        if (spec.joins.length === 0 || !isIndexSource(item.ruleSet, spec.type)) continue;
        const built = buildSlice(item.ruleSet, spec, raws[i] as RawRecord, NO_JOINS);
        (tally.known[at] as Map<string, JsonObject | null>).set(refId(spec.type, { version: item.version, hash: built.hash }), built.data);
        provisional.push({ at, spec, built, ref: item.base?.slices[spec.type] });
      }
    });
    await options.beforeJoins(
      items.map((_, at) => {
        const slices: Record<string, SliceRef> = { ...tally.refs[at] };
        for (const p of provisional) {
          if (p.at !== at || p.ref?.hash === p.built.hash || (p.built.tombstone && p.ref === undefined)) continue;
          slices[p.spec.type] = { version: (items[at] as RebuildItem).version, hash: p.built.hash };
        }
        return { slices, known: tally.known[at] as Map<string, JsonObject | null> };
      }),
    );
  }
  const joins = await resolveJoins(
    stores,
    tenantId,
    work.map(({ item }) => item),
    raws as RawRecord[],
  );
  work.forEach((_, i) => build(i, true, joins[i] as ReadonlyMap<string, ResolvedJoin | null>));

  // What the references name: the record at this very version (an overwrite) or, verifying, every one.
  const fetched = await fetchSlices(
    stores.slices,
    tenantId,
    pending.map(({ at, spec, ref, built }) => {
      const item = items[at] as RebuildItem;
      const needed = ref !== undefined && (options.verifyRefs === true || (ref.version === item.version && ref.hash !== built.hash));
      return needed ? { entityKey: item.entityKey, version: ref.version, sliceType: spec.type } : undefined;
    }),
  );

  const writes: SliceWrite[] = [];
  const writers: Pending[] = [];
  pending.forEach((p, k) => {
    const item = items[p.at] as RebuildItem;
    const record = fetched[k];
    // The hash the reference stands for: the record's own when it was read.
    const current = record?.hash ?? p.ref?.hash;
    if (current === p.built.hash || (p.built.tombstone && p.ref === undefined)) {
      settle(tally, p, 'unchanged', record);
      return;
    }
    // Only a slice at this very version needs deciding; over an older one the build is a new record.
    const sameKey = p.ref?.version === item.version ? record : undefined;
    const decision = p.ref?.version === item.version ? decideWrite(p.built, sameKey, item.version, item.ruleSet.version) : WRITE_NEW;
    if (decision.kind !== 'write') {
      settle(tally, p, resultOf(decision), sameKey);
      return;
    }
    writes.push({ record: sliceRecord(tenantId, item, p.built), expected: decision.expected });
    writers.push(p);
  });
  if (writes.length > 0) await putAndSettle(stores.slices, tenantId, items, writes, writers, tally);
}

const resultOf = (decision: WriteDecision): Result => (decision.kind === 'superseded' ? (decision.by === 'ruleSet' ? 'outdated' : 'superseded') : 'unchanged');

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
    else settle(tally, p, resultOf(decision), current);
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

const WRITE_NEW: WriteDecision = Object.freeze({ kind: 'write', expected: Object.freeze({ absent: true }) });

const NO_JOINS: ReadonlyMap<string, ResolvedJoin | null> = new Map();

/**
 * Per item, join name → resolved target; every distinct target's head is read once for the chunk.
 * A join reads the target's committed state, the raw version of its newest sliced slice set (a
 * target version ingested but not sliced yet is not read: when it is sliced, its change fans out
 * from what parents read). A target never sliced reads as absent (version 0 in the input vector).
 */
async function resolveJoins(
  stores: RebuildStores,
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
  const heads = await stores.heads.getMany(tenantId, [...keys].sort());
  const committed = new Map<string, RawRecord>();
  await Promise.all(
    [...heads.values()].map(async (head) => {
      const version = head.sliced?.version;
      if (version === undefined) return;
      const raw = head.latest.version === version ? head.latest : await stores.raw.get(tenantId, head.entityKey, version);
      if (raw) committed.set(head.entityKey, raw);
    }),
  );
  return targets.map((byName) => {
    const resolved = new Map<string, ResolvedJoin | null>();
    for (const [name, targetKey] of byName) resolved.set(name, targetKey === null ? null : { targetKey, target: committed.get(targetKey) });
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
