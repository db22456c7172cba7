import { createChangeSet } from '../changeset/create-changeset';
import type { RuleSetContract, SliceSpec } from '../contracts/model';
import type { ContractRegistry } from '../contracts/registry';
import { InvalidChangeSetRangeError, UnknownContractError } from '../errors';
import { fanoutBatches, fanoutTargets, type FanoutTarget } from '../fanout/plan-fanout';
import { impactedSliceTypes } from '../impact/impact-map';
import { assertTenantId, assertVersion, parseEntityKey } from '../entity-keys/entity-keys';
import type { ImpactedSliceKey } from '../ports/records';
import type { ChangeSetStore, IndexStore, RawStore, SliceStore } from '../ports/stores';
import { rebuildItems, type RebuildItem, type RebuildOutcome } from './rebuild-items';

export type { RebuildOutcome } from './rebuild-items';

export interface SlicingStores {
  readonly raw: RawStore;
  readonly changeSets: ChangeSetStore;
  readonly slices: SliceStore;
  readonly index: IndexStore;
}

export type SliceRequest =
  | { readonly tenantId: string; readonly entityKey: string; readonly version: number; readonly mode: 'FULL' }
  | { readonly tenantId: string; readonly entityKey: string; readonly version: number; readonly mode: 'INCREMENTAL'; readonly fromVersion: number };

export interface SlicingResult extends RebuildOutcome {
  readonly entityKey: string;
  readonly version: number;
  /** Parent entity keys rebuilt because this entity is a join target, ascending. */
  readonly fanout: string[];
  readonly fanoutBatches: number;
  /** Slices written (or tombstoned) in the parents. */
  readonly fanoutWritten: number;
}

/** Totals of a FULL rebuild of many entities. */
export interface FullRebuildSummary {
  readonly entities: number;
  readonly written: number;
  readonly unchanged: number;
  readonly tombstoned: number;
  readonly indexAdded: number;
  readonly indexRemoved: number;
  /** Parent slices written by fan-out from rebuilt join targets. */
  readonly fanoutWritten: number;
}

export interface FullRebuildOptions {
  /** Entity versions rebuilt together (read together, written together). Default 100. */
  readonly chunkSize?: number;
  /** Called after each chunk with the entities done so far. */
  readonly onProgress?: (done: number, total: number) => void;
}

interface FanoutTotals {
  fanout: string[];
  fanoutBatches: number;
  fanoutWritten: number;
}

/**
 * slicing() of SPEC §5–§6. FULL builds every slice type; INCREMENTAL builds the types the
 * change set impacts. Either way only slices whose hash differs from the effective one are
 * written, index entries of index-source slices follow their slice (see `rebuildItems` for the
 * crash-safe write order), and a change to a join target fans out to its parents through the
 * inverted index. Everything that can fail closed is evaluated before the first write.
 */
export class SlicingEngine {
  constructor(
    private readonly registry: ContractRegistry,
    private readonly stores: SlicingStores,
  ) {}

  async slice(request: SliceRequest): Promise<SlicingResult> {
    assertTenantId(request.tenantId);
    assertVersion(request.version);
    const ruleSet = this.registry.ruleSet(parseEntityKey(request.entityKey).entityType);
    let specs: readonly SliceSpec[];
    let targets: FanoutTarget[];
    if (request.mode === 'FULL') {
      specs = ruleSet.slices;
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
      const impacted = new Set(impactedSliceTypes(ruleSet, changeSet.changes));
      specs = ruleSet.slices.filter((s) => impacted.has(s.type));
      targets = fanoutTargets(this.registry, request.entityKey, { changes: changeSet.changes });
    }
    const [outcome] = await rebuildItems(this.stores, request.tenantId, [{ ruleSet, entityKey: request.entityKey, version: request.version, specs }]);
    const fanout = targets.length === 0 ? { fanout: [], fanoutBatches: 0, fanoutWritten: 0 } : await this.fanOut(request.tenantId, targets);
    return { entityKey: request.entityKey, version: request.version, ...(outcome as RebuildOutcome), ...fanout };
  }

  /**
   * FULL-rebuilds many entity versions, a chunk at a time (the way to rebuild a catalog: far
   * fewer store round trips than one `slice` per entity). Join targets in the list fan out to
   * their parents after their chunk. Validation of the whole list happens before any write.
   */
  async fullRebuild(
    tenantId: string,
    entities: readonly { readonly entityKey: string; readonly version: number }[],
    options: FullRebuildOptions = {},
  ): Promise<FullRebuildSummary> {
    assertTenantId(tenantId);
    const chunkSize = options.chunkSize ?? 100;
    if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
    const items: RebuildItem[] = entities.map(({ entityKey, version }) => {
      assertVersion(version);
      const ruleSet = this.registry.ruleSet(parseEntityKey(entityKey).entityType);
      return { ruleSet, entityKey, version, specs: ruleSet.slices };
    });
    const targets = items.map(({ entityKey }) => fanoutTargets(this.registry, entityKey, { everything: true }));
    const totals = { entities: items.length, written: 0, unchanged: 0, tombstoned: 0, indexAdded: 0, indexRemoved: 0, fanoutWritten: 0 };
    for (let start = 0; start < items.length; start += chunkSize) {
      const outcomes = await rebuildItems(this.stores, tenantId, items.slice(start, start + chunkSize));
      for (const outcome of outcomes) {
        totals.written += outcome.written.length;
        totals.unchanged += outcome.unchanged.length;
        totals.tombstoned += outcome.tombstoned.length;
        totals.indexAdded += outcome.indexAdded.length;
        totals.indexRemoved += outcome.indexRemoved.length;
      }
      for (const chunkTargets of targets.slice(start, start + chunkSize)) {
        if (chunkTargets.length > 0) totals.fanoutWritten += (await this.fanOut(tenantId, chunkTargets)).fanoutWritten;
      }
      options.onProgress?.(Math.min(start + chunkSize, items.length), items.length);
    }
    return totals;
  }

  /** Rebuild the given slice keys (a fan-out batch) as one chunk; outcomes by `entityKey@version`. */
  async rebuildKeys(tenantId: string, keys: readonly ImpactedSliceKey[]): Promise<Map<string, RebuildOutcome>> {
    const groups = new Map<string, { entityKey: string; version: number; types: Set<string> }>();
    for (const key of keys) {
      const id = `${key.entityKey}@${key.version}`;
      const group = groups.get(id) ?? { entityKey: key.entityKey, version: key.version, types: new Set<string>() };
      group.types.add(key.sliceType);
      groups.set(id, group);
    }
    const ids = [...groups.keys()].sort();
    const items = ids.map((id) => {
      const group = groups.get(id) as { entityKey: string; version: number; types: Set<string> };
      return this.item(group.entityKey, group.version, [...group.types]);
    });
    const outcomes = await rebuildItems(this.stores, tenantId, items);
    return new Map(ids.map((id, i) => [id, outcomes[i] as RebuildOutcome]));
  }

  /** Build the named slice types of one entity version and write what differs from the effective slices. */
  async rebuild(tenantId: string, entityKey: string, version: number, sliceTypes: readonly string[]): Promise<RebuildOutcome> {
    assertTenantId(tenantId);
    const [outcome] = await rebuildItems(this.stores, tenantId, [this.item(entityKey, version, sliceTypes)]);
    return outcome as RebuildOutcome;
  }

  private item(entityKey: string, version: number, sliceTypes: readonly string[]): RebuildItem {
    assertVersion(version);
    const ruleSet: RuleSetContract = this.registry.ruleSet(parseEntityKey(entityKey).entityType);
    for (const type of sliceTypes) {
      if (!ruleSet.slices.some((s) => s.type === type)) throw new UnknownContractError('slice type', `${ruleSet.id}/${type}`);
    }
    const wanted = new Set(sliceTypes);
    return { ruleSet, entityKey, version, specs: ruleSet.slices.filter((s) => wanted.has(s.type)) };
  }

  private async fanOut(tenantId: string, targets: readonly FanoutTarget[]): Promise<FanoutTotals> {
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
