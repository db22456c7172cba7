import { createChangeSet } from '../changeset/create-changeset';
import type { RuleSetContract, SliceSpec } from '../contracts/model';
import type { ContractRegistry } from '../contracts/registry';
import { assertTenantId, assertVersion, parseEntityKey } from '../entity-keys/entity-keys';
import { ConcurrencyConflictError, IncrementalBaseMismatchError, InvalidChangeSetRangeError, NotFoundError, UnknownContractError } from '../errors';
import { fanoutBatches, fanoutTargets, type FanoutTarget } from '../fanout/plan-fanout';
import { impactedSliceTypes } from '../impact/impact-map';
import type { EntityHead, SliceSet, SlicingState } from '../ports/records';
import type { Stores } from '../ports/stores';
import { reconcileIndex } from './reconcile-index';
import { rebuildItems, type RebuildItem, type RebuildOutcome } from './rebuild-items';
import { sameSliceSet } from './slice-sets';

export type { RebuildOutcome } from './rebuild-items';

interface SliceRequestBase {
  readonly tenantId: string;
  readonly entityKey: string;
  readonly version: number;
  /** Move the active slice set to this version when done (default true); it never moves back. */
  readonly cutover?: boolean;
}

export type SliceRequest =
  | (SliceRequestBase & { readonly mode: 'FULL' })
  /** `fromVersion` defaults to the newest sliced version (0 for the first slicing); another one is refused. */
  | (SliceRequestBase & { readonly mode: 'INCREMENTAL'; readonly fromVersion?: number });

/** Why the active version is not `version` after a slicing. */
export type CutoverSkipped =
  { readonly reason: 'NOT_REQUESTED'; readonly message: string } | { readonly reason: 'NEWER_VERSION_SLICED'; readonly message: string };

export interface SlicingResult extends Omit<RebuildOutcome, 'slices'> {
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
    if (request.mode === 'INCREMENTAL' && request.fromVersion !== undefined) {
      if (request.fromVersion !== 0) assertVersion(request.fromVersion);
      if (request.fromVersion >= request.version) throw new InvalidChangeSetRangeError(request.fromVersion, request.version);
    }
    let lost: { outcome: RebuildOutcome } | undefined;
    for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
      const head = await this.stores.heads.get(request.tenantId, request.entityKey);
      if (!head) throw new NotFoundError(`${request.entityKey} version ${request.version}`);
      if (lost) await reconcileIndex(this.stores, request.tenantId, ruleSet, request.entityKey, lost.outcome, head.sliced);
      lost = undefined;
      const sliced = head.sliced?.version;
      if (sliced !== undefined && request.version < sliced) return olderThanSliced(request, head);
      const plan = await this.plan(request, ruleSet, head);
      const [outcome] = (await rebuildItems(this.stores, request.tenantId, [
        { ruleSet, entityKey: request.entityKey, version: request.version, specs: plan.specs, base: head.sliced, raw: plan.raw },
      ])) as [RebuildOutcome];
      const set: SliceSet = { version: request.version, ...(plan.fromVersion === undefined ? {} : { fromVersion: plan.fromVersion }), slices: outcome.slices };
      const next = nextState(head, set, request.cutover !== false);
      if (!(await this.commit(request.tenantId, head, next))) {
        lost = { outcome };
        continue;
      }
      const fanout = plan.targets.length === 0 ? NO_FANOUT : await this.fanOut(request.tenantId, plan.targets);
      const { slices: _slices, ...lists } = outcome;
      return {
        entityKey: request.entityKey,
        version: request.version,
        ...(plan.fromVersion === undefined ? {} : { fromVersion: plan.fromVersion }),
        ...lists,
        ...fanout,
        ...cutoverOf(request, next),
        slicedVersion: request.version,
        activeVersion: next.active?.version ?? null,
      };
    }
    if (lost)
      await reconcileIndex(
        this.stores,
        request.tenantId,
        ruleSet,
        request.entityKey,
        lost.outcome,
        (await this.stores.heads.get(request.tenantId, request.entityKey))?.sliced,
      );
    throw new ConcurrencyConflictError(
      `${request.entityKey}: the head kept changing under ${MAX_COMMIT_ATTEMPTS} attempts to commit version ${request.version}`,
    );
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
      const outcomes = await rebuildItems(this.stores, tenantId, items);
      for (const [i, job] of chunk.entries()) {
        const head = heads.get(job.entityKey) as EntityHead;
        const item = items[i] as RebuildItem;
        let outcome = outcomes[i] as RebuildOutcome;
        if (item.specs.length > 0 && !(await this.commit(tenantId, head, nextState(head, { version: job.version, slices: outcome.slices }, cutover)))) {
          // Someone else moved this head meanwhile: settle this one entity the careful way.
          await reconcileIndex(this.stores, tenantId, job.ruleSet, job.entityKey, outcome, (await this.stores.heads.get(tenantId, job.entityKey))?.sliced);
          const again = await this.slice({ tenantId, entityKey: job.entityKey, version: job.version, mode: 'FULL', cutover });
          outcome = { ...again, slices: {} };
        }
        totals.written += outcome.written.length;
        totals.unchanged += outcome.unchanged.length;
        totals.tombstoned += outcome.tombstoned.length;
        totals.indexAdded += outcome.indexAdded.length;
        totals.indexRemoved += outcome.indexRemoved.length;
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
      const [outcome] = (await rebuildItems(this.stores, tenantId, [{ ruleSet, entityKey, version, specs, base, ...latestIf(head, version) }])) as [
        RebuildOutcome,
      ];
      if (await this.commit(tenantId, head, nextState(head, { version, slices: outcome.slices }, options.cutover === true))) return outcome;
    }
    throw new ConcurrencyConflictError(`${entityKey}: the head kept changing under ${MAX_COMMIT_ATTEMPTS} attempts to commit version ${version}`);
  }

  /** What a slicing of a version not older than the newest sliced one builds, from which raw record. */
  private async plan(
    request: SliceRequest,
    ruleSet: RuleSetContract,
    head: EntityHead,
  ): Promise<{ specs: readonly SliceSpec[]; targets: FanoutTarget[]; fromVersion?: number; raw: EntityHead['latest'] }> {
    const raw = head.latest.version === request.version ? head.latest : await this.stores.raw.get(request.tenantId, request.entityKey, request.version);
    if (!raw) throw new NotFoundError(`${request.entityKey} version ${request.version}`);
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

  /** Commits the state unless it is the head's already; false when another writer moved the head first. */
  private async commit(tenantId: string, head: EntityHead, next: SlicingState): Promise<boolean> {
    if (sameSliceSet(head.sliced, next.sliced) && sameSliceSet(head.active, next.active)) return true;
    return this.stores.heads.commit(tenantId, head.entityKey, head.revision, next);
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
        todo = result.lost;
      }
    }
    return { fanout: [...parents].sort(), fanoutBatches: batches, fanoutWritten };
  }

  private async refreshParents(
    tenantId: string,
    ruleSet: RuleSetContract,
    specs: readonly SliceSpec[],
    entityKeys: readonly string[],
  ): Promise<{ written: number; lost: string[] }> {
    const heads = await this.stores.heads.getMany(tenantId, entityKeys);
    const plans: { head: EntityHead; sliced: number; active?: number }[] = [];
    const items: RebuildItem[] = [];
    for (const entityKey of entityKeys) {
      const head = heads.get(entityKey);
      // Indexed parents have been sliced; one that has not (yet) has nothing to refresh.
      if (!head?.sliced) continue;
      const plan: { head: EntityHead; sliced: number; active?: number } = { head, sliced: items.length };
      items.push({ ruleSet, entityKey, version: head.sliced.version, specs, base: head.sliced, ...latestIf(head, head.sliced.version) });
      if (head.active && head.active.version !== head.sliced.version) {
        plan.active = items.length;
        items.push({ ruleSet, entityKey, version: head.active.version, specs, base: head.active, ...latestIf(head, head.active.version) });
      }
      plans.push(plan);
    }
    const outcomes = await rebuildItems(this.stores, tenantId, items);
    let written = 0;
    const lost: string[] = [];
    for (const { head, sliced, active } of plans) {
      const slicedOutcome = outcomes[sliced] as RebuildOutcome;
      const activeOutcome = active === undefined ? undefined : (outcomes[active] as RebuildOutcome);
      written +=
        slicedOutcome.written.length + slicedOutcome.tombstoned.length + (activeOutcome ? activeOutcome.written.length + activeOutcome.tombstoned.length : 0);
      const nextSliced = { ...(head.sliced as SliceSet), slices: slicedOutcome.slices };
      const nextActive = activeOutcome
        ? { ...(head.active as SliceSet), slices: activeOutcome.slices }
        : head.active?.version === nextSliced.version
          ? nextSliced
          : head.active;
      if (!(await this.commit(tenantId, head, { sliced: nextSliced, ...(nextActive ? { active: nextActive } : {}) }))) lost.push(head.entityKey);
    }
    return { written, lost };
  }
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

/** `{raw}` when the head's copy of the newest record is the version wanted (saves a read). */
function latestIf(head: EntityHead, version: number): { raw?: EntityHead['latest'] } {
  return head.latest.version === version ? { raw: head.latest } : {};
}
