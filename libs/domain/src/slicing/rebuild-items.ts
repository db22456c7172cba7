import type { ContractRef, RuleSetContract, SliceSpec } from '../contracts/model';
import { NotFoundError, SliceWriteConflictError } from '../errors';
import { indexDelta, indexEntriesOf, isIndexSource } from '../inverted-index/inverted-index';
import type { IndexEntry, RawRecord, SliceRecord } from '../ports/records';
import type { IndexStore, RawStore, SliceStore, SliceWrite } from '../ports/stores';
import { buildSlice, type BuiltSlice, joinTargetKey, type ResolvedJoin } from './build-slice';
import { decideWrite } from './write-decision';

/** One entity version and the slice types to build for it. */
export interface RebuildItem {
  readonly ruleSet: RuleSetContract;
  readonly entityKey: string;
  readonly version: number;
  readonly specs: readonly SliceSpec[];
}

/** What one entity version's rebuild did, slice types and index entries in deterministic order. */
export interface RebuildOutcome {
  readonly written: string[];
  readonly unchanged: string[];
  readonly tombstoned: string[];
  readonly indexAdded: IndexEntry[];
  readonly indexRemoved: IndexEntry[];
}

export interface RebuildStores {
  readonly raw: RawStore;
  readonly slices: SliceStore;
  readonly index: IndexStore;
}

/**
 * Rebuilds a chunk of entity versions with a fixed number of store calls: their raw versions
 * and effective slices are read together, each distinct join target is read once, and the
 * chunk's writes go out as one index add, one index remove and one slice put.
 *
 * Write order, so that a crash anywhere is repaired by running the same work again: every new
 * index entry is added, every stale one removed, then the slices are put (each put is the
 * commit point of its slice). Until a slice's put lands its effective slice is unchanged, so
 * the re-run recomputes the same index delta; adds and removes are idempotent. Entries never
 * collide between slices: they carry the entity key, and the registry requires {indexType} and
 * {entityType} in every key format.
 */
export async function rebuildItems(stores: RebuildStores, tenantId: string, items: readonly RebuildItem[]): Promise<RebuildOutcome[]> {
  const outcomes = items.map((): RebuildOutcome => ({ written: [], unchanged: [], tombstoned: [], indexAdded: [], indexRemoved: [] }));
  const work = items.map((item, i) => ({ item, outcome: outcomes[i] as RebuildOutcome })).filter(({ item }) => item.specs.length > 0);
  if (work.length === 0) return outcomes;

  const [raws, effectives] = await Promise.all([
    Promise.all(work.map(({ item }) => stores.raw.get(tenantId, item.entityKey, item.version))),
    Promise.all(work.map(({ item }) => stores.slices.effective(tenantId, item.entityKey, item.version, typesOf(item.specs)))),
  ]);
  const missing = work.findIndex((_, i) => raws[i] === undefined);
  if (missing >= 0) {
    const { item } = work[missing] as { item: RebuildItem };
    throw new NotFoundError(`${item.entityKey} version ${item.version}`);
  }
  const joins = await resolveJoins(
    stores.raw,
    tenantId,
    work.map(({ item }) => item),
    raws as RawRecord[],
  );

  const writes: SliceWrite[] = [];
  const added: IndexEntry[] = [];
  const removed: IndexEntry[] = [];
  work.forEach(({ item, outcome }, i) => {
    const raw = raws[i] as RawRecord;
    const effective = effectives[i] as ReadonlyMap<string, SliceRecord>;
    for (const spec of item.specs) {
      const previous = effective.get(spec.type);
      const built = buildSlice(item.ruleSet, spec, raw, joins[i] as ReadonlyMap<string, ResolvedJoin | null>);
      const decision = decideWrite(built, previous, item.version, item.ruleSet.version);
      if (decision.kind !== 'write') {
        outcome.unchanged.push(spec.type);
        continue;
      }
      if (isIndexSource(item.ruleSet, spec.type)) {
        const before = previous && !previous.tombstone ? indexEntriesOf(item.ruleSet, spec.type, previous.data, item.entityKey) : NO_ENTRIES;
        const delta = indexDelta(before, indexEntriesOf(item.ruleSet, spec.type, built.data, item.entityKey));
        added.push(...delta.added);
        removed.push(...delta.removed);
        outcome.indexAdded.push(...delta.added);
        outcome.indexRemoved.push(...delta.removed);
      }
      writes.push({ record: sliceRecord(raw, item.ruleSet, built), expected: decision.expected });
      (built.tombstone ? outcome.tombstoned : outcome.written).push(spec.type);
    }
  });

  if (added.length > 0) await stores.index.add(tenantId, added);
  if (removed.length > 0) await stores.index.remove(tenantId, removed);
  if (writes.length > 0) {
    const conflicts = await stores.slices.put(writes);
    if (conflicts.length > 0) {
      throw new SliceWriteConflictError(conflicts.map(({ record }) => `${record.entityKey}@${record.version}/${record.sliceType}`).join(', '));
    }
  }
  return outcomes;
}

const NO_ENTRIES: readonly IndexEntry[] = [];
const typeLists = new WeakMap<readonly SliceSpec[], readonly string[]>();

/** The slice types of a spec list, cached: full rebuilds pass the RuleSet's own list every time. */
function typesOf(specs: readonly SliceSpec[]): readonly string[] {
  let types = typeLists.get(specs);
  if (!types) typeLists.set(specs, (types = specs.map((s) => s.type)));
  return types;
}
const NO_JOINS: ReadonlyMap<string, ResolvedJoin | null> = new Map();

/** Per item, join name → resolved target; every distinct target is read once for the chunk. */
async function resolveJoins(
  raw: RawStore,
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
  const latest = await latestOf(raw, tenantId, [...keys].sort());
  return targets.map((byName) => {
    const resolved = new Map<string, ResolvedJoin | null>();
    for (const [name, targetKey] of byName) resolved.set(name, targetKey === null ? null : { targetKey, target: latest.get(targetKey) });
    return resolved;
  });
}

async function latestOf(raw: RawStore, tenantId: string, keys: readonly string[]): Promise<ReadonlyMap<string, RawRecord>> {
  if (keys.length !== 1) return raw.latestMany(tenantId, keys);
  const key = keys[0] as string;
  const record = await raw.latest(tenantId, key);
  return record ? new Map([[key, record]]) : new Map();
}

function sliceRecord(raw: RawRecord, ruleSet: RuleSetContract, built: BuiltSlice): SliceRecord {
  return {
    tenantId: raw.tenantId,
    entityKey: raw.entityKey,
    version: raw.version,
    sliceType: built.sliceType,
    hash: built.hash,
    tombstone: built.tombstone,
    data: built.data,
    inputVector: built.inputVector,
    ruleSetRef: refOf(ruleSet),
  };
}

const refs = new WeakMap<RuleSetContract, ContractRef>();

/** One shared, frozen ref per RuleSet rather than an object per slice record. */
function refOf(ruleSet: RuleSetContract): ContractRef {
  let ref = refs.get(ruleSet);
  if (!ref) refs.set(ruleSet, (ref = Object.freeze({ id: ruleSet.id, version: ruleSet.version })));
  return ref;
}
