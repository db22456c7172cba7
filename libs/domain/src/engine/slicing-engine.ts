import { createChangeSet } from '../changeset/create-changeset';
import type { RuleSetContract, SliceSpec } from '../contracts/model';
import type { ContractRegistry } from '../contracts/registry';
import { InvalidChangeSetRangeError, NotFoundError, SliceWriteConflictError, UnknownContractError } from '../errors';
import { fanoutBatches, fanoutTargets, type FanoutTarget } from '../fanout/plan-fanout';
import { impactedSliceTypes } from '../impact/impact-map';
import { indexDelta, indexEntriesOf } from '../index-keys/inverted-index';
import { assertTenantId, assertVersion, parseEntityKey } from '../keys/keys';
import type { ImpactedSliceKey, IndexEntry, RawRecord, SliceRecord } from '../ports/records';
import type { ChangeSetStore, IndexStore, RawStore, SliceStore } from '../ports/stores';
import { buildSlice, joinTargetKey, type ResolvedJoin } from '../slicing/build-slice';
import { decideWrite } from '../slicing/write-decision';

export interface SlicingStores {
  readonly raw: RawStore;
  readonly changeSets: ChangeSetStore;
  readonly slices: SliceStore;
  readonly index: IndexStore;
}

export type SliceRequest =
  | { readonly tenantId: string; readonly entityKey: string; readonly version: number; readonly mode: 'FULL' }
  | { readonly tenantId: string; readonly entityKey: string; readonly version: number; readonly mode: 'INCREMENTAL'; readonly fromVersion: number };

/** What one entity version's rebuild did, slice types and index entries in deterministic order. */
export interface RebuildOutcome {
  readonly written: string[];
  readonly unchanged: string[];
  readonly tombstoned: string[];
  readonly indexAdded: IndexEntry[];
  readonly indexRemoved: IndexEntry[];
}

export interface SlicingResult extends RebuildOutcome {
  readonly entityKey: string;
  readonly version: number;
  /** Parent entity keys rebuilt because this entity is a join target, ascending. */
  readonly fanout: string[];
  readonly fanoutBatches: number;
  /** Slices written (or tombstoned) in the parents. */
  readonly fanoutWritten: number;
}

/**
 * slicing() of SPEC §5–§6. FULL builds every slice type; INCREMENTAL builds the types the
 * change set impacts. Either way only slices whose hash differs from the effective one are
 * written, index entries of index-source slices follow their slice, and a change to a join
 * target fans out to its parents through the inverted index.
 *
 * Write order per slice, so that a crash anywhere is repaired by running the same request again:
 * add new index entries, remove stale ones, then put the slice (the commit point). Until the put,
 * the effective slice is unchanged and the re-run recomputes the same delta.
 */
export class SlicingEngine {
  constructor(
    private readonly registry: ContractRegistry,
    private readonly stores: SlicingStores,
  ) {}

  async slice(request: SliceRequest): Promise<SlicingResult> {
    assertTenantId(request.tenantId);
    assertVersion(request.version);
    const { entityType } = parseEntityKey(request.entityKey);
    const ruleSet = this.registry.ruleSet(entityType);
    let sliceTypes: string[];
    let targets: FanoutTarget[];
    if (request.mode === 'FULL') {
      sliceTypes = ruleSet.slices.map((s) => s.type);
      targets = fanoutTargets(this.registry, request.entityKey, { everything: true });
    } else {
      if (request.fromVersion !== 0) assertVersion(request.fromVersion);
      if (request.fromVersion >= request.version) throw new InvalidChangeSetRangeError(request.fromVersion, request.version);
      const { changeSet } = await createChangeSet(this.registry, this.stores, {
        tenantId: request.tenantId,
        entityKey: request.entityKey,
        fromVersion: request.fromVersion,
        toVersion: request.version,
      });
      // Both evaluations may fail closed; they run before anything is written.
      sliceTypes = impactedSliceTypes(ruleSet, changeSet.changes);
      targets = fanoutTargets(this.registry, request.entityKey, { changes: changeSet.changes });
    }
    const outcome = await this.rebuild(request.tenantId, request.entityKey, request.version, sliceTypes);
    const fanout = await this.fanOut(request.tenantId, targets);
    return { entityKey: request.entityKey, version: request.version, ...outcome, ...fanout };
  }

  /** Rebuild the given slice keys (a fan-out batch), grouped per entity version, in key order. */
  async rebuildKeys(tenantId: string, keys: readonly ImpactedSliceKey[]): Promise<Map<string, RebuildOutcome>> {
    const groups = new Map<string, { entityKey: string; version: number; types: Set<string> }>();
    for (const key of keys) {
      const id = `${key.entityKey}\u0000${key.version}`;
      const group = groups.get(id) ?? { entityKey: key.entityKey, version: key.version, types: new Set<string>() };
      group.types.add(key.sliceType);
      groups.set(id, group);
    }
    const outcomes = new Map<string, RebuildOutcome>();
    for (const id of [...groups.keys()].sort()) {
      const group = groups.get(id) as { entityKey: string; version: number; types: Set<string> };
      outcomes.set(`${group.entityKey}@${group.version}`, await this.rebuild(tenantId, group.entityKey, group.version, [...group.types]));
    }
    return outcomes;
  }

  /** Build the named slice types of one entity version and write what differs from the effective slices. */
  async rebuild(tenantId: string, entityKey: string, version: number, sliceTypes: readonly string[]): Promise<RebuildOutcome> {
    const outcome: RebuildOutcome = { written: [], unchanged: [], tombstoned: [], indexAdded: [], indexRemoved: [] };
    const ruleSet = this.registry.ruleSet(parseEntityKey(entityKey).entityType);
    const wanted = new Set(sliceTypes);
    for (const type of wanted) {
      if (!ruleSet.slices.some((s) => s.type === type)) throw new UnknownContractError('slice type', `${ruleSet.id}/${type}`);
    }
    const specs = ruleSet.slices.filter((s) => wanted.has(s.type));
    if (specs.length === 0) return outcome;
    const raw = await this.stores.raw.get(tenantId, entityKey, version);
    if (!raw) throw new NotFoundError(`${entityKey} version ${version}`);
    const [effective, joins] = await Promise.all([
      this.stores.slices.effective(tenantId, entityKey, version, specs.map((s) => s.type)),
      this.resolveJoins(tenantId, ruleSet, specs, raw),
    ]);
    for (const spec of specs) {
      await this.writeSlice(ruleSet, spec, raw, joins, effective.get(spec.type), outcome);
    }
    return outcome;
  }

  private async writeSlice(
    ruleSet: RuleSetContract,
    spec: SliceSpec,
    raw: RawRecord,
    joins: ReadonlyMap<string, ResolvedJoin | null>,
    effective: SliceRecord | undefined,
    outcome: RebuildOutcome,
  ): Promise<void> {
    const built = buildSlice(ruleSet, spec, raw, joins);
    const decision = decideWrite(built, effective, raw.version, ruleSet.version);
    if (decision.kind !== 'write') {
      outcome.unchanged.push(spec.type);
      return;
    }
    const before = effective && !effective.tombstone ? indexEntriesOf(ruleSet, spec.type, effective.data, raw.entityKey) : [];
    const delta = indexDelta(before, indexEntriesOf(ruleSet, spec.type, built.data, raw.entityKey));
    if (delta.added.length > 0) await this.stores.index.add(raw.tenantId, delta.added);
    if (delta.removed.length > 0) await this.stores.index.remove(raw.tenantId, delta.removed);
    const record: SliceRecord = {
      tenantId: raw.tenantId,
      entityKey: raw.entityKey,
      version: raw.version,
      sliceType: spec.type,
      hash: built.hash,
      tombstone: built.tombstone,
      data: built.data,
      inputVector: built.inputVector,
      ruleSetRef: { id: ruleSet.id, version: ruleSet.version },
    };
    if (!(await this.stores.slices.put(record, decision.expected))) throw new SliceWriteConflictError(`${raw.entityKey}@${raw.version}/${spec.type}`);
    (built.tombstone ? outcome.tombstoned : outcome.written).push(spec.type);
    outcome.indexAdded.push(...delta.added);
    outcome.indexRemoved.push(...delta.removed);
  }

  private async resolveJoins(tenantId: string, ruleSet: RuleSetContract, specs: readonly SliceSpec[], raw: RawRecord): Promise<Map<string, ResolvedJoin | null>> {
    const resolved = new Map<string, ResolvedJoin | null>();
    const names = new Set(specs.flatMap((s) => s.joins));
    if (names.size === 0) return resolved;
    const targets = new Map<string, string | null>();
    for (const join of ruleSet.joins) if (names.has(join.name)) targets.set(join.name, joinTargetKey(join, raw.data));
    const keys = [...new Set([...targets.values()].filter((k): k is string => k !== null))].sort();
    const latest = keys.length > 0 ? await this.stores.raw.latestMany(tenantId, keys) : new Map<string, RawRecord>();
    for (const [name, targetKey] of targets) {
      resolved.set(name, targetKey === null ? null : { targetKey, target: latest.get(targetKey) });
    }
    return resolved;
  }

  private async fanOut(tenantId: string, targets: readonly FanoutTarget[]): Promise<Pick<SlicingResult, 'fanout' | 'fanoutBatches' | 'fanoutWritten'>> {
    const parents = new Set<string>();
    let batches = 0;
    let fanoutWritten = 0;
    for await (const batch of fanoutBatches(this.stores, tenantId, targets)) {
      batches++;
      for (const outcome of (await this.rebuildKeys(tenantId, batch.keys)).values()) {
        fanoutWritten += outcome.written.length + outcome.tombstoned.length;
      }
      for (const key of batch.keys) parents.add(key.entityKey);
    }
    return { fanout: [...parents].sort(), fanoutBatches: batches, fanoutWritten };
  }
}
