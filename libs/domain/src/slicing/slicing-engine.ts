import { createChangeSet } from '../changeset/create-changeset';
import type { RuleSetContract, SliceSpec } from '../contracts/model';
import type { ContractRegistry } from '../contracts/registry';
import { assertTenantId, assertVersion, parseEntityKey } from '../entity-keys/entity-keys';
import {
  ConcurrencyConflictError,
  IncrementalBaseMismatchError,
  InvalidChangeSetRangeError,
  InvariantViolationError,
  NotFoundError,
  RuleSetOutdatedError,
  UnknownContractError,
  VersionConflictError,
} from '../errors';
import { fanoutBatches, fanoutTargets, type FanoutTarget } from '../fanout/plan-fanout';
import { impactedSliceTypes } from '../impact/impact-map';
import type { JsonObject } from '../canonical/canonical-json';
import type { EntityHead, IndexEntry, RawRecord, SliceRef, SliceSet, SlicingState } from '../ports/records';
import type { Stores } from '../ports/stores';
import { applyIndexChanges, type IndexChange, indexChanges, type IndexTransition, NO_INDEX_CHANGE } from './index-change';
import { reconcileIndex } from './reconcile-index';
import { type Provisional, rebuildItems, type RebuildItem, type RebuildOutcome } from './rebuild-items';
import { sameSliceSet } from './slice-sets';

export type { RebuildOutcome } from './rebuild-items';

interface SliceRequestBase {
  readonly tenantId: string;
  readonly entityKey: string;
  readonly version: number;
  /** Move the active slice set to this version when done (default true); it never moves back. */
  readonly cutover?: boolean;
  /**
   * The raw record at `version` that the caller has just stored (a deploy's compile), so the
   * engine need not read it back. It must name this tenant, entity and version, and carry the
   * hash the head holds for that version when the head names it; else the slicing fails closed.
   */
  readonly record?: RawRecord;
}

export type SliceRequest =
  | (SliceRequestBase & { readonly mode: 'FULL' })
  /** `fromVersion` defaults to the newest sliced version (0 for the first slicing); another one is refused. */
  | (SliceRequestBase & { readonly mode: 'INCREMENTAL'; readonly fromVersion?: number });

/** Why the active version is not `version` after a slicing. */
export type CutoverSkipped =
  { readonly reason: 'NOT_REQUESTED'; readonly message: string } | { readonly reason: 'NEWER_VERSION_SLICED'; readonly message: string };

/** Why `cutover` left the active version where it was: the version is not the newest sliced one (yet, or any more). */
export type CutoverRefused =
  Extract<CutoverSkipped, { readonly reason: 'NEWER_VERSION_SLICED' }> | { readonly reason: 'NOT_SLICED_YET'; readonly message: string };

/** What `cutover` did: the active version is `version` after the call (moved now, or already there), or why not. */
export interface CutoverResult {
  readonly entityKey: string;
  readonly version: number;
  /** True when the active version is `version` after the call. */
  readonly cutover: boolean;
  /** True when this call moved the active version (false for a repeated cutover). */
  readonly moved: boolean;
  readonly cutoverSkipped?: CutoverRefused;
  /** Index entries of the former active version that the newly active one does not give. */
  readonly indexRemoved: IndexEntry[];
  /** The entity's newest sliced version (null: never sliced) and its active version after the call. */
  readonly slicedVersion: number | null;
  readonly activeVersion: number | null;
}

export interface SlicingResult extends Omit<RebuildOutcome, 'slices' | 'known' | 'outdated'> {
  /** Index entries the slicing added and removed (the index follows the active and the sliced set). */
  readonly indexAdded: IndexEntry[];
  readonly indexRemoved: IndexEntry[];
  readonly entityKey: string;
  readonly version: number;
  /** INCREMENTAL only: the version the change set diffed from. */
  readonly fromVersion?: number;
  /** Parent entity keys rebuilt because this entity is a join target, ascending. */
  readonly fanout: string[];
  readonly fanoutBatches: number;
  /** Slices written (or tombstoned) in the parents. */
  readonly fanoutWritten: number;
  /** True when the active version is `version` after the call (moved now, or already there). */
  readonly cutover: boolean;
  readonly cutoverSkipped?: CutoverSkipped;
  /** The entity's newest sliced version and its active version after the call. */
  readonly slicedVersion: number;
  readonly activeVersion: number | null;
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
  /** Move each entity's active version to the rebuilt one (default true). */
  readonly cutover?: boolean;
  /** Called after each chunk with the entities done so far. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Attempts at one entity's commit before the race is reported as a ConcurrencyConflictError. */
const MAX_COMMIT_ATTEMPTS = 8;

interface FanoutTotals {
  fanout: string[];
  fanoutBatches: number;
  fanoutWritten: number;
}

const NO_FANOUT: FanoutTotals = { fanout: [], fanoutBatches: 0, fanoutWritten: 0 };

/**
 * slicing() of SPEC §5, §6 and §12. FULL builds every slice type; INCREMENTAL builds the types
 * the change set from the newest sliced version impacts. Slices whose hash differs from the
 * committed one are written, index entries of index-source slices follow them, and the new slice
 * set is committed on the entity's head with one compare-and-set, together with the cutover.
 * Order and concurrency: a slicing of a version older than the newest sliced one writes nothing
 * and never moves the active version back; a lost race is re-run against the winner's state. A
 * change to a join target fans out to its parents' active and newest sliced versions. Everything
 * that can fail closed is evaluated before the first write.
 */
export class SlicingEngine {
  constructor(
    private readonly registry: ContractRegistry,
    private readonly stores: Stores,
  ) {}

  async slice(request: SliceRequest): Promise<SlicingResult> {
    assertTenantId(request.tenantId);
    assertVersion(request.version);
    const ruleSet = this.registry.ruleSet(parseEntityKey(request.entityKey).entityType);
    if (request.record) assertRecordOf(request, request.record);
    if (request.mode === 'INCREMENTAL' && request.fromVersion !== undefined) {
      if (request.fromVersion !== 0) assertVersion(request.fromVersion);
      if (request.fromVersion >= request.version) throw new InvalidChangeSetRangeError(request.fromVersion, request.version);
    }
    const cutover = request.cutover !== false;
    let lost: IndexChange | undefined;
    for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
      const head = await this.stores.heads.get(request.tenantId, request.entityKey);
      if (!head) throw new NotFoundError(`${request.entityKey} version ${request.version}`);
      if (lost) await reconcileIndex(this.stores, request.tenantId, ruleSet, request.entityKey, lost, head);
      lost = undefined;
      const sliced = head.sliced?.version;
      if (sliced !== undefined && request.version < sliced) return olderThanSliced(request, head);
      const plan = await this.plan(request, ruleSet, head);
      const setOf = (slices: Record<string, SliceRef>): SliceSet => ({
        version: request.version,
        ...(plan.fromVersion === undefined ? {} : { fromVersion: plan.fromVersion }),
        slices,
      });
      const item: RebuildItem = { ruleSet, entityKey: request.entityKey, version: request.version, specs: plan.specs, base: head.sliced, raw: plan.raw };
      const { outcome, next, index, removals } = await this.rebuildAndIndex(request.tenantId, head, item, (slices) => nextState(head, setOf(slices), cutover));
      const revision = await this.commitAt(request.tenantId, head, next);
      if (revision === undefined) {
        lost = { added: index.added, removed: [] };
        continue;
      }
      await this.removeAfterCommit(request.tenantId, ruleSet, request.entityKey, revision, next, removals);
      const fanout = plan.targets.length === 0 ? NO_FANOUT : await this.fanOut(request.tenantId, plan.targets);
      const { slices: _slices, known: _known, outdated: _outdated, ...lists } = outcome;
      return {
        entityKey: request.entityKey,
        version: request.version,
        ...(plan.fromVersion === undefined ? {} : { fromVersion: plan.fromVersion }),
        ...lists,
        indexAdded: index.added,
        indexRemoved: index.removed,
        ...fanout,
        ...cutoverOf(request, next),
        slicedVersion: request.version,
        activeVersion: next.active?.version ?? null,
      };
    }
    if (lost)
      await reconcileIndex(this.stores, request.tenantId, ruleSet, request.entityKey, lost, await this.stores.heads.get(request.tenantId, request.entityKey));
    throw headKeptChanging(request.entityKey, request.version);
  }

  /**
   * Moves the active slice set to the newest sliced one when that is exactly `version` (the
   * pointer swap of a `cutover: "done"` deploy, after its ship): one compare-and-set on the head,
   * re-run on a lost race. It never moves back: a newer sliced version refuses it, and so does a
   * version not sliced yet. Idempotent: the active version already being `version` is a success
   * that writes nothing. The index stands for the active and the sliced set, so the newly active
   * set's entries are there already (no addition); the former active set's entries it does not
   * give are removed once the commit is in (see `removeAfterCommit`).
   */
  async cutover(tenantId: string, entityKey: string, version: number): Promise<CutoverResult> {
    assertTenantId(tenantId);
    assertVersion(version);
    const ruleSet = this.registry.ruleSet(parseEntityKey(entityKey).entityType);
    for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
      const head = await this.stores.heads.get(tenantId, entityKey);
      if (!head) throw new NotFoundError(`${entityKey} version ${version}`);
      const outcome = { entityKey, version, slicedVersion: head.sliced?.version ?? null, activeVersion: head.active?.version ?? null, indexRemoved: [] };
      if (head.active?.version === version) return { ...outcome, cutover: true, moved: false };
      const refused = cutoverRefused(head, entityKey, version);
      if (refused) return { ...outcome, cutover: false, moved: false, cutoverSkipped: refused };
      const sliced = head.sliced as SliceSet;
      const next: SlicingState = { sliced, active: sliced };
      const index = await this.addIndex(tenantId, { ruleSet, entityKey, before: head, after: next, known: new Map() });
      if (await this.stores.heads.commit(tenantId, entityKey, head.revision, next)) {
        await this.removeAfterCommit(tenantId, ruleSet, entityKey, head.revision + 1, next, index.removed);
        return { ...outcome, cutover: true, moved: true, indexRemoved: index.removed, activeVersion: version };
      }
      await reconcileIndex(this.stores, tenantId, ruleSet, entityKey, { added: index.added, removed: [] }, await this.stores.heads.get(tenantId, entityKey));
    }
    throw new ConcurrencyConflictError(`${entityKey}: the head kept changing under ${MAX_COMMIT_ATTEMPTS} attempts to cut over to version ${version}`);
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
    const cutover = options.cutover !== false;
    const jobs = entities.map(({ entityKey, version }) => {
      assertVersion(version);
      const ruleSet = this.registry.ruleSet(parseEntityKey(entityKey).entityType);
      return { ruleSet, entityKey, version, targets: fanoutTargets(this.registry, entityKey, { everything: true }) };
    });
    const totals = { entities: jobs.length, written: 0, unchanged: 0, tombstoned: 0, indexAdded: 0, indexRemoved: 0, fanoutWritten: 0 };
    for (let start = 0; start < jobs.length; start += chunkSize) {
      const chunk = jobs.slice(start, start + chunkSize);
      const heads = await this.stores.heads.getMany(
        tenantId,
        chunk.map((job) => job.entityKey),
      );
      const items: RebuildItem[] = chunk.map((job) => {
        const head = heads.get(job.entityKey);
        if (!head) throw new NotFoundError(`${job.entityKey} version ${job.version}`);
        // A version older than the newest sliced one is left alone, as `slice` would.
        const stale = head.sliced !== undefined && job.version < head.sliced.version;
        return {
          ruleSet: job.ruleSet,
          entityKey: job.entityKey,
          version: job.version,
          specs: stale ? [] : job.ruleSet.slices,
          base: head.sliced,
          ...latestIf(head, job.version),
        };
      });
      const stateOf = (i: number, slices: Record<string, SliceRef>): SlicingState => {
        const job = chunk[i] as (typeof chunk)[number];
        return nextState(heads.get(job.entityKey) as EntityHead, { version: job.version, slices }, cutover);
      };
      // The chunk's index moves in one write before any join target is read (see `rebuildAndIndex`).
      const transitions = (
        states: readonly SlicingState[],
        befores: readonly (SlicingState | undefined)[],
        known: readonly ReadonlyMap<string, JsonObject | null>[],
      ): IndexTransition[] =>
        chunk.map((job, i) => ({
          ruleSet: job.ruleSet,
          entityKey: job.entityKey,
          before: befores[i],
          after: states[i] as SlicingState,
          known: known[i] as ReadonlyMap<string, JsonObject | null>,
        }));
      let provisional: SlicingState[] = chunk.map((job) => heads.get(job.entityKey) as EntityHead);
      let changes: IndexChange[] = chunk.map(() => NO_INDEX_CHANGE);
      const outcomes = await rebuildItems(this.stores, tenantId, items, {
        beforeJoins: async (provisionals) => {
          const befores = provisional;
          provisional = provisionals.map((p, i) => ((items[i] as RebuildItem).specs.length > 0 ? stateOf(i, p.slices) : (befores[i] as SlicingState)));
          changes = await indexChanges(
            this.stores.slices,
            tenantId,
            transitions(
              provisional,
              befores,
              provisionals.map((p) => p.known),
            ),
          );
          await applyIndexChanges(this.stores.index, tenantId, changes);
        },
      });
      const finals = outcomes.map((outcome, i) => ((items[i] as RebuildItem).specs.length > 0 ? stateOf(i, outcome.slices) : (provisional[i] as SlicingState)));
      const settled = await indexChanges(
        this.stores.slices,
        tenantId,
        transitions(
          finals,
          provisional,
          outcomes.map((o) => o.known),
        ),
      );
      await applyIndexChanges(this.stores.index, tenantId, settled);
      for (const [i, job] of chunk.entries()) {
        const head = heads.get(job.entityKey) as EntityHead;
        const outcome = outcomes[i] as RebuildOutcome;
        let index = merge(changes[i] as IndexChange, settled[i] as IndexChange);
        let lists: Pick<RebuildOutcome, 'written' | 'unchanged' | 'tombstoned'> = outcome;
        if ((items[i] as RebuildItem).specs.length > 0 && !(await this.commit(tenantId, head, finals[i] as SlicingState))) {
          // Someone else moved this head meanwhile: settle this one entity the careful way.
          await reconcileIndex(this.stores, tenantId, job.ruleSet, job.entityKey, index, await this.stores.heads.get(tenantId, job.entityKey));
          const again = await this.slice({ tenantId, entityKey: job.entityKey, version: job.version, mode: 'FULL', cutover });
          lists = again;
          index = { added: again.indexAdded, removed: again.indexRemoved };
        }
        totals.written += lists.written.length;
        totals.unchanged += lists.unchanged.length;
        totals.tombstoned += lists.tombstoned.length;
        totals.indexAdded += index.added.length;
        totals.indexRemoved += index.removed.length;
      }
      for (const job of chunk) {
        if (job.targets.length > 0) totals.fanoutWritten += (await this.fanOut(tenantId, job.targets)).fanoutWritten;
      }
      options.onProgress?.(Math.min(start + chunkSize, jobs.length), jobs.length);
    }
    return totals;
  }

  /**
   * Builds the named slice types of one entity version against its committed slice set and
   * commits the result (a partial slicing: tests and repairs use it to reach half-built states).
   */
  async rebuild(
    tenantId: string,
    entityKey: string,
    version: number,
    sliceTypes: readonly string[],
    options: { readonly cutover?: boolean } = {},
  ): Promise<RebuildOutcome> {
    assertTenantId(tenantId);
    assertVersion(version);
    const ruleSet: RuleSetContract = this.registry.ruleSet(parseEntityKey(entityKey).entityType);
    for (const type of sliceTypes) {
      if (!ruleSet.slices.some((s) => s.type === type)) throw new UnknownContractError('slice type', `${ruleSet.id}/${type}`);
    }
    const wanted = new Set(sliceTypes);
    for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
      const head = await this.stores.heads.get(tenantId, entityKey);
      if (!head) throw new NotFoundError(`${entityKey} version ${version}`);
      const base = head.sliced !== undefined && head.sliced.version <= version ? head.sliced : undefined;
      const specs = ruleSet.slices.filter((s) => wanted.has(s.type));
      const item: RebuildItem = { ruleSet, entityKey, version, specs, base, ...latestIf(head, version) };
      const { outcome, next, index, removals } = await this.rebuildAndIndex(tenantId, head, item, (slices) =>
        nextState(head, { version, slices }, options.cutover === true),
      );
      const revision = await this.commitAt(tenantId, head, next);
      if (revision !== undefined) {
        await this.removeAfterCommit(tenantId, ruleSet, entityKey, revision, next, removals);
        return outcome;
      }
      await reconcileIndex(this.stores, tenantId, ruleSet, entityKey, { added: index.added, removed: [] }, await this.stores.heads.get(tenantId, entityKey));
    }
    throw headKeptChanging(entityKey, version);
  }

  /**
   * Rebuilds one entity version and adds the index entries of its new state: once its slices
   * without joins are built (before any join target is read) the entries of the state `stateOf`
   * gives for them are added, so a join target changing from then on finds this entity; a racing
   * writer that settled an index source otherwise is followed afterwards. Returns the state to
   * commit and the entries to remove once it is committed (see `removeAfterCommit`).
   */
  private async rebuildAndIndex(
    tenantId: string,
    head: EntityHead,
    item: RebuildItem,
    stateOf: (slices: Record<string, SliceRef>) => SlicingState,
  ): Promise<{ outcome: RebuildOutcome; next: SlicingState; index: IndexChange; removals: IndexEntry[] }> {
    let provisional: SlicingState = head;
    let index = NO_INDEX_CHANGE;
    const [outcome] = (await rebuildItems(this.stores, tenantId, [item], {
      beforeJoins: async ([p]) => {
        provisional = stateOf((p as Provisional).slices);
        index = await this.addIndex(tenantId, {
          ruleSet: item.ruleSet,
          entityKey: item.entityKey,
          before: head,
          after: provisional,
          known: (p as Provisional).known,
        });
      },
    })) as [RebuildOutcome];
    const next = stateOf(outcome.slices);
    const settled = await this.addIndex(tenantId, {
      ruleSet: item.ruleSet,
      entityKey: item.entityKey,
      before: provisional,
      after: next,
      known: outcome.known,
    });
    // Removed by the head → provisional step and not added back by the provisional → next one, or removed by that one.
    const readded = new Set(settled.added.map(entryId));
    const removals = [...settled.removed, ...index.removed.filter((e) => !readded.has(entryId(e)))];
    return { outcome, next, index: merge(index, settled), removals };
  }

  /** The index change of a transition, of which only the additions are written now (removals wait for the commit). */
  private async addIndex(tenantId: string, transition: IndexTransition): Promise<IndexChange> {
    const [change] = (await indexChanges(this.stores.slices, tenantId, [transition])) as [IndexChange];
    if (change.added.length > 0) await this.stores.index.add(tenantId, change.added);
    return change;
  }

  /**
   * Removes the entries the committed state no longer gives. Only now: an entry removed before
   * the commit would be missing while the head still stands for it, and if the commit is lost to
   * a writer whose state needs it (a cutover keeping the former active version, say), a join
   * target changing meanwhile would miss this entity. The revision is then moved once more, so a
   * writer that read the committed state and added one of these entries again loses its commit
   * and re-runs (adding it again); if another writer committed first, the entries its state gives
   * are put back. A crash in between leaves extra entries: a fan-out visits the entity for
   * nothing, but misses no parent.
   */
  private async removeAfterCommit(
    tenantId: string,
    ruleSet: RuleSetContract,
    entityKey: string,
    revision: number,
    state: SlicingState,
    removals: readonly IndexEntry[],
  ): Promise<void> {
    if (removals.length === 0) return;
    await this.stores.index.remove(tenantId, removals);
    if (await this.stores.heads.commit(tenantId, entityKey, revision, state)) return;
    await reconcileIndex(this.stores, tenantId, ruleSet, entityKey, { added: [], removed: removals }, await this.stores.heads.get(tenantId, entityKey));
  }

  /** What a slicing of a version not older than the newest sliced one builds, from which raw record. */
  private async plan(
    request: SliceRequest,
    ruleSet: RuleSetContract,
    head: EntityHead,
  ): Promise<{ specs: readonly SliceSpec[]; targets: FanoutTarget[]; fromVersion?: number; raw: EntityHead['latest'] }> {
    const raw = await this.rawOf(request, head);
    const sliced = head.sliced;
    const everything = { specs: ruleSet.slices, targets: fanoutTargets(this.registry, request.entityKey, { everything: true }), raw };
    if (request.mode === 'FULL') return everything;
    let fromVersion: number;
    if (sliced?.version === request.version) {
      // A replay of the committed slicing: diff the same versions again (a FULL one replays as FULL).
      const original = request.fromVersion ?? sliced.fromVersion;
      if (original === undefined) return everything;
      fromVersion = original;
    } else {
      const base = sliced?.version ?? 0;
      if (request.fromVersion !== undefined && request.fromVersion !== base)
        throw new IncrementalBaseMismatchError(request.entityKey, request.version, request.fromVersion, base);
      fromVersion = base;
    }
    const { changeSet } = await createChangeSet(
      this.registry,
      this.stores,
      { tenantId: request.tenantId, entityKey: request.entityKey, fromVersion, toVersion: request.version },
      { to: raw },
    );
    const impacted = new Set(impactedSliceTypes(ruleSet, changeSet.changes));
    return {
      specs: ruleSet.slices.filter((s) => impacted.has(s.type)),
      targets: fanoutTargets(this.registry, request.entityKey, { changes: changeSet.changes }),
      fromVersion,
      raw,
    };
  }

  /**
   * The raw record a slicing builds from: the head's copy of the newest one, the caller's own
   * record (checked against the head where it names that version), or else a read.
   */
  private async rawOf(request: SliceRequest, head: EntityHead): Promise<RawRecord> {
    const { record } = request;
    // The head holds the newest stored version: a newer one, given or not, was never stored.
    if (head.latest.version < request.version) throw new NotFoundError(`${request.entityKey} version ${request.version}`);
    if (head.latest.version === request.version) {
      if (record && record.hash !== head.latest.hash) throw new VersionConflictError(request.entityKey, request.version);
      return head.latest;
    }
    const raw = record ?? (await this.stores.raw.get(request.tenantId, request.entityKey, request.version));
    if (!raw) throw new NotFoundError(`${request.entityKey} version ${request.version}`);
    return raw;
  }

  /** Commits the state unless it is the head's already; false when another writer moved the head first. */
  private async commit(tenantId: string, head: EntityHead, next: SlicingState): Promise<boolean> {
    return (await this.commitAt(tenantId, head, next)) !== undefined;
  }

  /** `commit`, answering the head's revision afterwards (undefined: lost). */
  private async commitAt(tenantId: string, head: EntityHead, next: SlicingState): Promise<number | undefined> {
    if (sameSliceSet(head.sliced, next.sliced) && sameSliceSet(head.active, next.active)) return head.revision;
    return (await this.stores.heads.commit(tenantId, head.entityKey, head.revision, next)) ? head.revision + 1 : undefined;
  }

  /**
   * Rebuilds the impacted slice types of every parent the targets reach, at the parent's active
   * version and at its newest sliced version, and commits both sets on the parent's head. A
   * parent whose head moved meanwhile is rebuilt again on its own.
   */
  private async fanOut(tenantId: string, targets: readonly FanoutTarget[]): Promise<FanoutTotals> {
    const parents = new Set<string>();
    let batches = 0;
    let fanoutWritten = 0;
    const outdated = new Set<string>();
    for await (const batch of fanoutBatches(this.stores, tenantId, targets)) {
      batches++;
      for (const key of batch.entityKeys) parents.add(key);
      const ruleSet = this.registry.ruleSet(parseEntityKey(batch.entityKeys[0] as string).entityType);
      const specs = ruleSet.slices.filter((s) => batch.sliceTypes.includes(s.type));
      let todo = [...batch.entityKeys];
      for (let attempt = 1; todo.length > 0; attempt++) {
        if (attempt > MAX_COMMIT_ATTEMPTS)
          throw new ConcurrencyConflictError(`Fan-out to ${todo.join(', ')}: their heads kept changing under ${MAX_COMMIT_ATTEMPTS} attempts`);
        const result = await this.refreshParents(tenantId, ruleSet, specs, todo);
        fanoutWritten += result.written;
        for (const key of result.outdated) outdated.add(`${ruleSet.id}@${ruleSet.version}\u0000${key}`);
        todo = result.lost;
      }
    }
    // The other parents are done; these need a process on the newer contracts (the error is retried).
    if (outdated.size > 0) {
      const [ruleSetRef = ''] = [...outdated][0]?.split('\u0000') ?? [];
      throw new RuleSetOutdatedError(ruleSetRef, [...outdated].map((id) => id.split('\u0000')[1] as string).sort());
    }
    return { fanout: [...parents].sort(), fanoutBatches: batches, fanoutWritten };
  }

  /**
   * One fan-out batch: every parent found is visited, its head's revision moved even when nothing
   * changed, so a slicing of that parent in flight, which may have read the join target before
   * its change, loses its commit and re-runs. Builds are compared with the records their
   * references name (`verifyRefs`): a record shared by two slice sets may have been rewritten.
   */
  private async refreshParents(
    tenantId: string,
    ruleSet: RuleSetContract,
    specs: readonly SliceSpec[],
    entityKeys: readonly string[],
  ): Promise<{ written: number; lost: string[]; outdated: string[] }> {
    const heads = await this.stores.heads.getMany(tenantId, entityKeys);
    const plans: { head: EntityHead; sliced?: number; active?: number }[] = [];
    const items: RebuildItem[] = [];
    for (const entityKey of entityKeys) {
      const head = heads.get(entityKey);
      if (!head) continue;
      const plan: { head: EntityHead; sliced?: number; active?: number } = { head };
      if (head.sliced) {
        plan.sliced = items.length;
        items.push({ ruleSet, entityKey, version: head.sliced.version, specs, base: head.sliced, ...latestIf(head, head.sliced.version) });
      }
      if (head.active && head.active.version !== head.sliced?.version) {
        plan.active = items.length;
        items.push({ ruleSet, entityKey, version: head.active.version, specs, base: head.active, ...latestIf(head, head.active.version) });
      }
      plans.push(plan);
    }
    const outcomes = items.length === 0 ? [] : await rebuildItems(this.stores, tenantId, items, { verifyRefs: true });
    // Where the active version's record was rewritten in place and the sliced set shares it, the
    // sliced version gets a record of its own (built again without that reference).
    const again: { at: number; item: RebuildItem }[] = [];
    for (const { head, sliced, active } of plans) {
      if (sliced === undefined || active === undefined || !head.sliced || !head.active) continue;
      const rewritten = [...(outcomes[active] as RebuildOutcome).written, ...(outcomes[active] as RebuildOutcome).tombstoned];
      const shared = rewritten.filter(
        (type) => head.active?.slices[type]?.version === head.active?.version && head.sliced?.slices[type]?.version === head.active?.version,
      );
      if (shared.length === 0) continue;
      const slices = { ...(outcomes[sliced] as RebuildOutcome).slices };
      for (const type of shared) delete slices[type];
      again.push({
        at: sliced,
        item: { ...(items[sliced] as RebuildItem), specs: specs.filter((spec) => shared.includes(spec.type)), base: { ...head.sliced, slices } },
      });
    }
    if (again.length > 0) {
      const redone = await rebuildItems(
        this.stores,
        tenantId,
        again.map(({ item }) => item),
      );
      again.forEach(({ at }, k) => {
        const first = outcomes[at] as RebuildOutcome;
        const second = redone[k] as RebuildOutcome;
        outcomes[at] = {
          ...first,
          written: [...first.written, ...second.written],
          tombstoned: [...first.tombstoned, ...second.tombstoned],
          slices: second.slices,
          known: new Map([...first.known, ...second.known]),
        };
      });
    }
    const nexts = plans.map(({ head, sliced, active }): SlicingState => {
      const slicedOutcome = sliced === undefined ? undefined : outcomes[sliced];
      const activeOutcome = active === undefined ? undefined : outcomes[active];
      const nextSliced = slicedOutcome && head.sliced ? { ...head.sliced, slices: slicedOutcome.slices } : head.sliced;
      const nextActive =
        activeOutcome && head.active
          ? { ...head.active, slices: activeOutcome.slices }
          : head.active?.version === nextSliced?.version
            ? nextSliced
            : head.active;
      return { ...(nextSliced ? { sliced: nextSliced } : {}), ...(nextActive ? { active: nextActive } : {}) };
    });
    const known = plans.map(
      ({ sliced, active }) =>
        new Map([
          ...(sliced === undefined ? [] : (outcomes[sliced] as RebuildOutcome).known),
          ...(active === undefined ? [] : (outcomes[active] as RebuildOutcome).known),
        ]),
    );
    const changes = await indexChanges(
      this.stores.slices,
      tenantId,
      plans.map(({ head }, i) => ({
        ruleSet,
        entityKey: head.entityKey,
        before: head,
        after: nexts[i] as SlicingState,
        known: known[i] as Map<string, JsonObject | null>,
      })),
    );
    await applyIndexChanges(this.stores.index, tenantId, changes);
    let written = 0;
    const lost: string[] = [];
    const outdated: string[] = [];
    for (const [i, { head }] of plans.entries()) {
      for (const at of [plans[i]?.sliced, plans[i]?.active]) {
        if (at === undefined) continue;
        const outcome = outcomes[at] as RebuildOutcome;
        written += outcome.written.length + outcome.tombstoned.length;
        if (outcome.outdated.length > 0 && !outdated.includes(head.entityKey)) outdated.push(head.entityKey);
      }
      // Always a commit, also of an unchanged state: it is what moves the revision (see above).
      if (!(await this.stores.heads.commit(tenantId, head.entityKey, head.revision, nexts[i] as SlicingState))) {
        await reconcileIndex(this.stores, tenantId, ruleSet, head.entityKey, changes[i] as IndexChange, await this.stores.heads.get(tenantId, head.entityKey));
        lost.push(head.entityKey);
      }
    }
    return { written, lost, outdated };
  }
}

const entryId = (e: IndexEntry): string => `${e.indexKey}\u0000${e.entityKey}`;

function merge(a: IndexChange, b: IndexChange): IndexChange {
  if (b === NO_INDEX_CHANGE) return a;
  if (a === NO_INDEX_CHANGE) return b;
  return { added: [...a.added, ...b.added], removed: [...a.removed, ...b.removed] };
}

/** The state after committing `set` as the newest sliced one; the active set follows it when cut over, and always at the same version. */
function nextState(head: EntityHead, set: SliceSet, cutover: boolean): SlicingState {
  const active = cutover || head.active?.version === set.version ? set : head.active;
  return { sliced: set, ...(active ? { active } : {}) };
}

function cutoverOf(request: SliceRequest, next: SlicingState): Pick<SlicingResult, 'cutover' | 'cutoverSkipped'> {
  if (next.active?.version === request.version) return { cutover: true };
  const active = next.active === undefined ? 'no version is active' : `version ${next.active.version} stays active`;
  return { cutover: false, cutoverSkipped: { reason: 'NOT_REQUESTED', message: `cutover: false was requested, so ${active}` } };
}

/** A slicing of a version older than the newest sliced one: nothing is built, nothing moves. */
function olderThanSliced(request: SliceRequest, head: EntityHead): SlicingResult {
  const sliced = (head.sliced as SliceSet).version;
  const active = head.active?.version ?? null;
  return {
    entityKey: request.entityKey,
    version: request.version,
    written: [],
    unchanged: [],
    tombstoned: [],
    superseded: [],
    indexAdded: [],
    indexRemoved: [],
    fanout: [],
    fanoutBatches: 0,
    fanoutWritten: 0,
    cutover: active === request.version,
    ...(active === request.version
      ? {}
      : {
          cutoverSkipped: {
            reason: 'NEWER_VERSION_SLICED' as const,
            message: `${request.entityKey} is already sliced at version ${sliced}${active === null ? '' : ` (active: ${active})`}; a slicing of the older version ${request.version} writes nothing and never moves the active version back`,
          },
        }),
    slicedVersion: sliced,
    activeVersion: active,
  };
}

/** Why the active version cannot move to `version` (which is not the active one); undefined when it can. */
function cutoverRefused(head: EntityHead, entityKey: string, version: number): CutoverRefused | undefined {
  const sliced = head.sliced?.version;
  const active = head.active === undefined ? '' : ` (active: ${head.active.version})`;
  if (sliced === undefined || sliced < version)
    return {
      reason: 'NOT_SLICED_YET',
      message: `${entityKey} version ${version} is not sliced yet${sliced === undefined ? '' : ` (newest sliced: ${sliced})`}${active}; slice it before the cutover`,
    };
  if (sliced > version)
    return {
      reason: 'NEWER_VERSION_SLICED',
      message: `${entityKey} is already sliced at version ${sliced}${active}; a cutover to the older version ${version} never moves the active version back`,
    };
  return undefined;
}

/** A caller's raw record for another tenant, entity or version is a programming error: never built from. */
function assertRecordOf(request: SliceRequest, record: RawRecord): void {
  if (record.tenantId === request.tenantId && record.entityKey === request.entityKey && record.version === request.version) return;
  throw new InvariantViolationError(
    `The raw record given for ${request.tenantId}/${request.entityKey} version ${request.version} is ${record.tenantId}/${record.entityKey} version ${record.version}`,
  );
}

function headKeptChanging(entityKey: string, version: number): ConcurrencyConflictError {
  return new ConcurrencyConflictError(`${entityKey}: the head kept changing under ${MAX_COMMIT_ATTEMPTS} attempts to commit version ${version}`);
}

/** `{raw}` when the head's copy of the newest record is the version wanted (saves a read). */
function latestIf(head: EntityHead, version: number): { raw?: EntityHead['latest'] } {
  return head.latest.version === version ? { raw: head.latest } : {};
}
