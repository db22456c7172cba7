import {
  canonicalJson,
  ConcurrencyConflictError,
  type ContractRegistry,
  createInMemoryStores,
  IncrementalBaseMismatchError,
  type IndexEntry,
  type InMemoryStores,
  insertRawdata,
  type Json,
  type JsonObject,
  NotFoundError,
  queryView,
  readEffectiveSlices,
  type RawRecord,
  SliceMissingError,
  type SliceRecord,
  type SliceRequest,
  type SliceSet,
  SlicingEngine,
  type SlicingResult,
  type Stores,
} from '../src';
import { type CatalogOp, type IngestOp, type ProductDoc, shuffleKeys, SKUS, TENANTS } from './catalog-ops';
import { type WorldContracts, worldContracts } from './world-contracts';

export * from './catalog-ops';
export * from './world-contracts';

/** What readers should see of one entity, kept beside the engine and never read from it. */
interface EntityModel {
  readonly tenantId: string;
  readonly entityKey: string;
  /** Every version ingested, its document (null: a deletion). */
  readonly docs: Map<number, JsonObject | null>;
  /** The newest version ingested (0: none). */
  latest: number;
  /** The newest version sliced. */
  sliced?: number;
  /** The version readers follow by default: moved forward by a slicing with cutover. */
  active?: number;
  /** Slicing requests issued so far, for late replays. */
  readonly requests: SliceRequest[];
}

/** What a slicing must answer, from the model. */
interface ExpectedAnswer {
  readonly slicedVersion: number;
  readonly activeVersion: number | null;
  readonly cutover: boolean;
  readonly reason?: 'NOT_REQUESTED' | 'NEWER_VERSION_SLICED';
}

export interface StepOutcome {
  readonly op: CatalogOp;
  readonly tenantId: string;
  /** Undefined for a step about no entity (a RuleSet bump). */
  readonly entityKey: string | undefined;
  /** The version ingested or sliced (0 when none). */
  readonly version: number;
  /** A new raw version was stored. */
  readonly ingested: boolean;
  /** The slicing the step issued, if any. */
  readonly request: SliceRequest | undefined;
  readonly result: SlicingResult | undefined;
  /** Slice writes the step made, in order. */
  readonly sliceWrites: readonly SliceRecord[];
  /** The entity's document at its newest sliced version before the step (null: deleted or never sliced). */
  readonly before: JsonObject | null;
  /** The slicing was of a version newer than the newest sliced one. */
  readonly newVersion: boolean;
  /**
   * For a product slicing of a new version that joins another brand than its newest sliced
   * version did (a first slicing, a move, a deletion, a re-creation): the brands involved.
   */
  readonly brandMove?: readonly string[];
}

/** A step's model updated; its raw insert (if any) and its slicing still to run. */
interface Prepared {
  readonly step: Omit<StepOutcome, 'result' | 'sliceWrites'>;
  /** Stores the step's raw version, through the engine's stores. */
  readonly ingest: (() => Promise<void>) | undefined;
  /** The contracts in force when the step was issued. */
  readonly registry: ContractRegistry;
  readonly expected: ExpectedAnswer | undefined;
  /** An explicit INCREMENTAL base the engine must refuse (the newest ingested version below, when it was never sliced). */
  readonly wrongBase: number | undefined;
}

export interface WorldOptions {
  /** The contracts (and their bumped twin) to run under; default the sample catalog. */
  readonly contracts?: WorldContracts;
  /**
   * Wraps the stores the engine of each worker sees (not those the world checks with), e.g. to
   * interleave workers. Worker 0 runs sequential steps; concurrent deliveries run on workers 0, 1, ….
   */
  readonly engineStores?: (stores: Stores, worker: number) => Stores;
}

const DEFAULT_PRODUCT: Omit<ProductDoc, 'sku'> = { name: 'New', brand_id: 'B1', category_ids: [], price: 0, currency: 'KRW', status: 'ACTIVE' };

/** Steps walked by every world in this process (suites assert a minimum). */
export const stepCounter = { steps: 0 };

/** What the property suites count to show which situations they reached. */
export type Coverage = Record<string, number>;
export const coverage: Coverage = {};
export const reach = (what: string, n = 1): void => {
  coverage[what] = (coverage[what] ?? 0) + n;
};

/**
 * A catalog in two tenants driven through the real engine on in-memory stores, beside an
 * independent model of what readers should see (the documents ingested, the newest sliced and
 * the active version of every entity), with the checks the property suites assert.
 */
export class CatalogWorld {
  readonly stores: InMemoryStores = createInMemoryStores({ keepSliceLog: true });
  readonly contracts: WorldContracts;
  registry: ContractRegistry;
  engine: SlicingEngine;
  /** The engine on the stores themselves (the world's own probes and re-runs). */
  private direct: SlicingEngine;
  /** True once the world switched to the 1.1.0 contracts. */
  bumped = false;
  private readonly wrapStores: ((stores: Stores, worker: number) => Stores) | undefined;
  private readonly workerStores: Stores[] = [];
  private readonly engines = new Map<string, SlicingEngine>();
  private readonly model = new Map<string, EntityModel>();

  constructor(options: WorldOptions = {}) {
    this.contracts = options.contracts ?? worldContracts('sample');
    this.registry = this.contracts.registry;
    this.wrapStores = options.engineStores;
    this.engine = this.engineOf(this.registry, 0);
    this.direct = this.wrapStores ? new SlicingEngine(this.registry, this.stores) : this.engine;
  }

  /** The default tenant (tests of one tenant). */
  get tenantId(): string {
    return TENANTS[0];
  }

  /** One step: ingest and/or slice, each answer checked against the model. */
  async apply(op: CatalogOp): Promise<StepOutcome> {
    const logStart = this.stores.slices.log.length;
    const prepared = await this.prepare(op);
    await prepared.ingest?.();
    const result = await this.run(prepared);
    return { ...prepared.step, result, sliceWrites: this.stores.slices.log.slice(logStart) };
  }

  /**
   * The steps run by concurrent workers: each step starts once the earlier steps it `conflicts`
   * with are done, then stores its raw version and runs its slicing, delivered `deliveries[i]`
   * times (default twice), concurrently with everything else in flight. The model follows the
   * steps in order. `settle` waits for the work while the engine's stores interleave it (a
   * fast-check scheduler).
   */
  async applyConcurrently(
    ops: readonly CatalogOp[],
    settle: <T>(work: Promise<T>) => Promise<T>,
    options: { readonly conflicts: (earlier: number, later: number) => boolean; readonly deliveries?: readonly number[] },
  ): Promise<void> {
    const prepared: Prepared[] = [];
    for (const op of ops) prepared.push(await this.prepare(op));
    const done: Promise<void>[] = [];
    prepared.forEach((p, i) => {
      const after = done.filter((_, j) => options.conflicts(j, i));
      done.push(
        (async () => {
          await Promise.all(after);
          await p.ingest?.();
          await Promise.all(Array.from({ length: options.deliveries?.[i] ?? 2 }, (_, worker) => this.runRetrying(p, worker)));
        })(),
      );
    });
    await settle(Promise.all(done));
  }

  /** A worker's delivery: ConcurrencyConflictError is the engine's "retry me" (SPEC §8), so it is retried. */
  private async runRetrying(prepared: Prepared, worker: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.run(prepared, false, worker);
        return;
      } catch (error) {
        if (!(error instanceof ConcurrencyConflictError) || attempt >= 5) throw error;
        reach('ConcurrencyConflictError retried');
      }
    }
  }

  private storesOf(worker: number): Stores {
    if (!this.wrapStores) return this.stores;
    return (this.workerStores[worker] ??= this.wrapStores(this.stores, worker));
  }

  /** One engine per contract version and worker. */
  private engineOf(registry: ContractRegistry, worker: number): SlicingEngine {
    const key = `${registry === this.contracts.registry ? 'initial' : 'bumped'}/${worker}`;
    let engine = this.engines.get(key);
    if (!engine) this.engines.set(key, (engine = new SlicingEngine(registry, this.storesOf(worker))));
    return engine;
  }

  /** Updates the model with the step and works out its raw insert (deferred) and the slicing to issue. */
  async prepare(op: CatalogOp): Promise<Prepared> {
    stepCounter.steps++;
    const tenantId = TENANTS[op.tenant ?? 0] as string;
    if (tenantId !== TENANTS[0] && op.kind !== 'bumpRuleSet') reach('step in the second tenant');
    const cutover = op.cutover ?? true;
    const blank = { op, tenantId, entityKey: undefined, version: 0, ingested: false, request: undefined, before: null, newVersion: false };
    switch (op.kind) {
      case 'bumpRuleSet':
        if (!this.bumped) {
          this.bumped = true;
          this.registry = this.contracts.bumped;
          this.engine = this.engineOf(this.registry, 0);
          this.direct = this.wrapStores ? new SlicingEngine(this.registry, this.stores) : this.engine;
          reach('RuleSet bumped');
        }
        return { step: blank, ingest: undefined, registry: this.registry, expected: undefined, wrongBase: undefined };
      case 'sliceLatest': {
        const entity = this.entity(tenantId, `${op.entityType}#${op.entityId}`);
        if (entity.latest === 0) {
          await expectRejects(this.direct.slice({ tenantId, entityKey: entity.entityKey, version: 1, mode: op.mode }), NotFoundError);
          return { step: { ...blank, entityKey: entity.entityKey }, ingest: undefined, registry: this.registry, expected: undefined, wrongBase: undefined };
        }
        return this.planSlicing(op, entity, entity.latest, cutover, undefined);
      }
      case 'replay': {
        const entity = this.entity(tenantId, `${op.entityType}#${op.entityId}`);
        const request = entity.requests[op.pick % Math.max(1, entity.requests.length)];
        if (!request)
          return { step: { ...blank, entityKey: entity.entityKey }, ingest: undefined, registry: this.registry, expected: undefined, wrongBase: undefined };
        reach(request.version < (entity.sliced as number) ? 'late replay of an older slicing' : 'replay of the committed slicing');
        return this.slicing(op, entity, request, undefined);
      }
      default:
        return this.ingest(op, tenantId, cutover);
    }
  }

  private async ingest(op: CatalogOp & IngestOp, tenantId: string, cutover: boolean): Promise<Prepared> {
    const { entityType, entityId, doc } = this.next(op, tenantId);
    const entity = this.entity(tenantId, `${entityType}#${entityId}`);
    const version = entity.latest + op.gap;
    const blank = { op, tenantId, entityKey: entity.entityKey, version, ingested: false, request: undefined, before: null, newVersion: false };
    const live = entity.latest > 0 && entity.docs.get(entity.latest) !== null;
    if (doc === null && !live) {
      const writes = this.writeCounts();
      await expectRejects(insertRawdata(this.registry, this.stores.raw, { tenantId, entityType, entityId, version, deleted: true }), NotFoundError);
      assertEqual(this.writeCounts(), writes, `refused delete of ${tenantId}/${entity.entityKey} wrote something`);
      return { step: blank, ingest: undefined, registry: this.registry, expected: undefined, wrongBase: undefined };
    }
    const input = { tenantId, entityType, entityId, version };
    const registry = this.registry;
    const ingest = async (): Promise<void> => {
      const data = doc === null ? { ...input, deleted: true as const } : { ...input, data: shuffleKeys(doc, op.keyOrder) };
      const stored = await insertRawdata(registry, this.storesOf(0).raw, data);
      assertEqual(stored.created, true, `ingest of ${tenantId}/${entity.entityKey}@${version} stored nothing`);
    };
    entity.docs.set(version, doc);
    entity.latest = version;
    const later = (op.slice ?? 'now') === 'later';
    if (later) {
      reach('ingested without slicing');
      return { step: { ...blank, ingested: true }, ingest, registry: this.registry, expected: undefined, wrongBase: undefined };
    }
    return this.planSlicing(op, entity, version, cutover, ingest);
  }

  /** The slicing of `version` (the entity's newest ingested version) that the step asks for. */
  private planSlicing(op: CatalogOp, entity: EntityModel, version: number, cutover: boolean, ingest: (() => Promise<void>) | undefined): Prepared {
    const base = entity.sliced ?? 0;
    const head = { tenantId: entity.tenantId, entityKey: entity.entityKey, version, ...(cutover ? {} : { cutover: false }) };
    let request: SliceRequest;
    if (op.mode === 'FULL') request = { ...head, mode: 'FULL' };
    // Re-slicing the committed version replays it; an explicit base would have to be the one it used.
    else if (version === entity.sliced || !(op.explicitBase ?? true)) request = { ...head, mode: 'INCREMENTAL' };
    else request = { ...head, mode: 'INCREMENTAL', fromVersion: base };
    const below = Math.max(0, ...[...entity.docs.keys()].filter((v) => v < version));
    const wrongBase = op.mode === 'INCREMENTAL' && version !== entity.sliced && below !== base ? below : undefined;
    if (op.mode === 'INCREMENTAL' && version !== entity.sliced && below !== base) reach('change set spanning unsliced versions');
    if (!cutover) reach('slicing without cutover');
    return this.slicing(op, entity, request, ingest, wrongBase);
  }

  /** Issues `request` in the model: what the engine must answer and what readers see after it. */
  private slicing(op: CatalogOp, entity: EntityModel, request: SliceRequest, ingest: (() => Promise<void>) | undefined, wrongBase?: number): Prepared {
    const slicedBefore = entity.sliced;
    const before = slicedBefore === undefined ? null : (entity.docs.get(slicedBefore) ?? null);
    const v = request.version;
    const newVersion = slicedBefore === undefined || v > slicedBefore;
    const brandOf = (d: JsonObject | null | undefined): string | undefined => (d ? `brand#${String(d['brand_id'])}` : undefined);
    const [from, to] = [brandOf(before), brandOf(entity.docs.get(v))];
    const brandMove = newVersion && entity.entityKey.startsWith('product#') && from !== to ? [from, to].filter((b) => b !== undefined) : undefined;
    if (newVersion) entity.sliced = v;
    if (v >= (entity.sliced as number) && request.cutover !== false) entity.active = v;
    entity.requests.push(request);
    const cutover = entity.active === v;
    const expected: ExpectedAnswer = {
      slicedVersion: entity.sliced as number,
      activeVersion: entity.active ?? null,
      cutover,
      ...(cutover ? {} : { reason: v < (entity.sliced as number) ? ('NEWER_VERSION_SLICED' as const) : ('NOT_REQUESTED' as const) }),
    };
    return {
      step: {
        op,
        tenantId: entity.tenantId,
        entityKey: entity.entityKey,
        version: v,
        ingested: ingest !== undefined,
        request,
        before,
        newVersion,
        ...(brandMove ? { brandMove } : {}),
      },
      ingest,
      registry: this.registry,
      expected,
      wrongBase,
    };
  }

  /** Runs the prepared slicing (the wrong-base probe first, when `probe`) and checks the engine's answer. */
  async run(prepared: Prepared, probe = true, worker = 0): Promise<SlicingResult | undefined> {
    const { request } = prepared.step;
    if (!request || !prepared.expected) return undefined;
    if (probe && prepared.wrongBase !== undefined && request.mode === 'INCREMENTAL') {
      const writes = this.writeCounts();
      await expectRejects(this.direct.slice({ ...request, fromVersion: prepared.wrongBase }), IncrementalBaseMismatchError);
      assertEqual(this.writeCounts(), writes, `INCREMENTAL ${request.entityKey}@${request.version} from a wrong base wrote something`);
    }
    const result = await this.engineOf(prepared.registry, worker).slice(request);
    const e = prepared.expected;
    assertEqual(
      { slicedVersion: result.slicedVersion, activeVersion: result.activeVersion, cutover: result.cutover, reason: result.cutoverSkipped?.reason ?? null },
      { slicedVersion: e.slicedVersion, activeVersion: e.activeVersion, cutover: e.cutover, reason: e.reason ?? null },
      `answer of ${describeRequest(request)}`,
    );
    if (e.reason === 'NEWER_VERSION_SLICED') {
      const did = [...result.written, ...result.tombstoned, ...result.indexAdded.map(entryText), ...result.indexRemoved.map(entryText), ...result.fanout];
      assertEqual(did, [], `late ${describeRequest(request)} did work`);
    }
    if (result.superseded.length > 0) reach('superseded (stale) build');
    if (result.fanoutBatches > 1) reach('multi-page fan-out');
    return result;
  }

  private next(op: CatalogOp & IngestOp, tenantId: string): { entityType: string; entityId: string; doc: JsonObject | null } {
    switch (op.kind) {
      case 'putProduct':
        return { entityType: 'product', entityId: op.doc.sku, doc: op.doc as unknown as JsonObject };
      case 'editProduct': {
        const entity = this.model.get(`${tenantId}/product#${op.sku}`);
        const current = (entity?.docs.get(entity.latest) ?? { sku: op.sku, ...DEFAULT_PRODUCT }) as Record<string, unknown>;
        const edited: Record<string, unknown> = { ...current };
        if (op.value === undefined) delete edited[op.field];
        else edited[op.field] = op.value;
        return { entityType: 'product', entityId: op.sku, doc: edited as JsonObject };
      }
      case 'deleteProduct':
        return { entityType: 'product', entityId: op.sku, doc: null };
      case 'putBrand':
        return { entityType: 'brand', entityId: op.brandId, doc: { brand_id: op.brandId, name: op.name } };
      case 'deleteBrand':
        return { entityType: 'brand', entityId: op.brandId, doc: null };
      case 'putCategory':
        return {
          entityType: 'category',
          entityId: op.categoryId,
          doc:
            op.parentId === undefined ? { category_id: op.categoryId, name: op.name } : { category_id: op.categoryId, name: op.name, parent_id: op.parentId },
        };
      case 'deleteCategory':
        return { entityType: 'category', entityId: op.categoryId, doc: null };
    }
  }

  private entity(tenantId: string, entityKey: string): EntityModel {
    const id = `${tenantId}/${entityKey}`;
    let entity = this.model.get(id);
    if (!entity) this.model.set(id, (entity = { tenantId, entityKey, docs: new Map(), latest: 0, requests: [] }));
    return entity;
  }

  private entities(tenantId: string, type?: string): EntityModel[] {
    return [...this.model.values()]
      .filter((e) => e.tenantId === tenantId && (type === undefined || e.entityKey.startsWith(`${type}#`)))
      .sort((a, b) => (a.entityKey < b.entityKey ? -1 : a.entityKey > b.entityKey ? 1 : 0));
  }

  /** The contract refs change sets of an entity are keyed by under this world's registry. */
  changeSetContracts(entityKey: string): { schemaRef: { id: string; version: string }; ruleSetRef: { id: string; version: string } } {
    const type = entityKey.slice(0, entityKey.indexOf('#'));
    const schema = this.registry.schema(type);
    const ruleSet = this.registry.ruleSet(type);
    return { schemaRef: { id: schema.id, version: schema.version }, ruleSetRef: { id: ruleSet.id, version: ruleSet.version } };
  }

  writeCounts(): Record<string, number> {
    const s = this.stores;
    return { raw: s.raw.writes, changeSets: s.changeSets.writes, slices: s.slices.writes, index: s.index.writes, heads: s.heads.writes };
  }

  /** Every entity's head names the model's newest ingested, newest sliced and active versions. */
  async checkHeads(): Promise<void> {
    for (const entity of this.model.values()) {
      const head = await this.stores.heads.get(entity.tenantId, entity.entityKey);
      assertEqual(
        { latest: head?.latest.version ?? 0, sliced: head?.sliced?.version ?? null, active: head?.active?.version ?? null },
        { latest: entity.latest, sliced: entity.sliced ?? null, active: entity.active ?? null },
        `head of ${entity.tenantId}/${entity.entityKey}`,
      );
    }
  }

  /**
   * Idempotency: replaying the step's insert and re-issuing its slicing write nothing at all;
   * a FULL slicing of the same version writes no slice, index entry or change set.
   */
  async checkIdempotent(step: StepOutcome): Promise<void> {
    const entity = step.entityKey === undefined ? undefined : this.model.get(`${step.tenantId}/${step.entityKey}`);
    if (!entity || step.version === 0) return;
    const writes = this.writeCounts();
    if (step.ingested) {
      const [entityType, entityId] = splitKey(entity.entityKey);
      const doc = entity.docs.get(step.version) ?? null;
      const input = { tenantId: entity.tenantId, entityType, entityId, version: step.version };
      const replay = await insertRawdata(this.registry, this.stores.raw, doc === null ? { ...input, deleted: true } : { ...input, data: doc });
      assertEqual(replay.created, false, 'raw replay created a record');
    }
    if (!step.request) return assertEqual(this.writeCounts(), writes, `re-ingesting ${step.entityKey}@${step.version} wrote to a store`);
    const again = await this.direct.slice(step.request);
    assertEqual(didWork(again), NO_WORK, `re-running ${describeRequest(step.request)} did work`);
    assertEqual(this.writeCounts(), writes, `re-running ${describeRequest(step.request)} wrote to a store`);
    const { tenantId, entityKey, version, cutover } = step.request;
    const full = await this.direct.slice({ tenantId, entityKey, version, mode: 'FULL', ...(cutover === undefined ? {} : { cutover }) });
    assertEqual(didWork(full), NO_WORK, `FULL after ${describeRequest(step.request)} did work`);
    // A FULL replay may drop the base version from the committed set (a head write), nothing else.
    assertEqual({ ...this.writeCounts(), heads: 0 }, { ...writes, heads: 0 }, `FULL after ${describeRequest(step.request)} wrote to a store`);
  }

  /**
   * A brand change rebuilds exactly the join-fed slices of the products indexed under it, at
   * their active and newest sliced versions, and the brand's own slice; when the brand name
   * changed, every one of them, in the batches the contract bounds.
   */
  checkBrandFanout(step: StepOutcome): void {
    if (!step.result || !step.entityKey?.startsWith('brand#')) return;
    const brandId = step.entityKey.slice('brand#'.length);
    const { sliceTypes, parentsPerBatch } = this.contracts.fanout;
    const parents = new Map(
      this.entities(step.tenantId, 'product')
        // The index stands for the active and the newest sliced version: a parent under the brand in either is reached.
        .filter((p) => [p.sliced, p.active].some((v) => v !== undefined && p.docs.get(v)?.['brand_id'] === brandId))
        .map((p) => [p.entityKey, p]),
    );
    const allowed = (w: SliceRecord): boolean => {
      if (w.tenantId !== step.tenantId) return false;
      if (w.entityKey === step.entityKey) return w.sliceType === 'BRAND_CORE';
      const parent = parents.get(w.entityKey);
      return parent !== undefined && sliceTypes.includes(w.sliceType) && (w.version === parent.sliced || w.version === parent.active);
    };
    const stray = step.sliceWrites.filter((w) => !allowed(w)).map((w) => `${w.tenantId}/${w.entityKey}@${w.version}/${w.sliceType}`);
    assertEqual(stray, [], `brand change ${step.entityKey}@${step.version} wrote slices outside its fan-out`);
    if (!step.newVersion) return;
    const newName = this.model.get(`${step.tenantId}/${step.entityKey}`)?.docs.get(step.version)?.['name'];
    const renamed = step.before?.['name'] !== newName;
    const fansOut = renamed || step.request?.mode === 'FULL';
    const keys = [...parents.keys()];
    assertEqual(step.result.fanout, fansOut ? keys : [], `brand change ${step.entityKey}@${step.version} reported another fan-out`);
    assertEqual(
      step.result.fanoutBatches,
      fansOut ? Math.ceil(keys.length / parentsPerBatch) : 0,
      `brand change ${step.entityKey}@${step.version} fanned out to ${keys.length} parents in another number of batches`,
    );
    if (!renamed) return;
    const written = new Set(step.sliceWrites.map((w) => `${w.entityKey}@${w.version}/${w.sliceType}`));
    const missed: string[] = [];
    for (const [key, parent] of parents) {
      for (const version of new Set([parent.sliced, parent.active])) {
        const doc = version === undefined ? null : parent.docs.get(version);
        if (!doc || doc['brand_id'] !== brandId) continue;
        for (const type of sliceTypes) if (!written.has(`${key}@${version}/${type}`)) missed.push(`${key}@${version}/${type}`);
      }
    }
    assertEqual(missed, [], `brand rename ${step.entityKey}@${step.version} missed parents`);
  }

  /**
   * FULL == INCREMENTAL: a FULL rebuild of every entity at its newest sliced version, from the
   * same raw data, gives the same committed slices, and the same index; and that index is
   * exactly the one the model's documents give (values escaped independently).
   */
  async checkFullEqualsIncremental(context: string): Promise<void> {
    const full = createInMemoryStores();
    const engine = new SlicingEngine(this.registry, full);
    const problems: string[] = [];
    for (const tenantId of TENANTS) {
      const entities = this.entities(tenantId);
      for (const entity of entities) {
        for (const version of [...entity.docs.keys()].sort((a, b) => a - b)) {
          await full.raw.append((await this.stores.raw.get(tenantId, entity.entityKey, version)) as RawRecord);
        }
      }
      const sliced = entities.filter((e) => e.sliced !== undefined);
      // Odd-sized chunks so chunk boundaries fall between related entities too.
      await engine.fullRebuild(
        tenantId,
        sliced.map((e) => ({ entityKey: e.entityKey, version: e.sliced as number })),
        { chunkSize: 3 },
      );
      for (const entity of sliced) {
        const [entityType, entityId] = splitKey(entity.entityKey);
        const at = { tenantId, entityType, entityId, version: entity.sliced as number };
        const inc = await readEffectiveSlices(this.registry, this.stores, at);
        const ful = await readEffectiveSlices(this.registry, full, at);
        for (const type of this.registry.ruleSet(entityType).slices.map((s) => s.type)) {
          const a = describeSlice(inc.get(type));
          const b = describeSlice(ful.get(type));
          if (a !== b) problems.push(`  ${tenantId}/${entity.entityKey}@${at.version} ${type}\n    incremental: ${a}\n    full:        ${b}`);
        }
      }
      const incIndex = this.stores.index.all(tenantId).map(entryText);
      // The index stands for the versions readers can get: the newest sliced AND the active one.
      // FULL rebuilt the sliced versions; the active versions' own entries are added to it.
      const fullIndex = [...new Set([...full.index.all(tenantId).map(entryText), ...this.modelIndex(tenantId, 'active')])];
      const modelIndex = this.modelIndex(tenantId, 'both');
      if (modelIndex.some((e) => e.includes('%23') || e.includes('%25'))) reach("index value with '#' or '%'");
      for (const e of incIndex.filter((x) => !fullIndex.includes(x))) problems.push(`  ${tenantId}: index entry only after INCREMENTAL: ${e}`);
      for (const e of fullIndex.filter((x) => !incIndex.includes(x))) problems.push(`  ${tenantId}: index entry only after FULL: ${e}`);
      for (const e of incIndex.filter((x) => !modelIndex.includes(x))) problems.push(`  ${tenantId}: index entry the documents do not give: ${e}`);
      for (const e of modelIndex.filter((x) => !incIndex.includes(x))) problems.push(`  ${tenantId}: index entry missing: ${e}`);
    }
    if (problems.length > 0) throw new Error(`FULL != INCREMENTAL ${context}:\n${problems.join('\n')}`);
  }

  /**
   * The index the documents give at the active versions, or at those and the newest sliced ones
   * (what the index stands for): brand and category values, '%' and '#' escaped.
   */
  private modelIndex(tenantId: string, which: 'active' | 'both'): string[] {
    const out = new Set<string>();
    for (const product of this.entities(tenantId, 'product')) {
      const versions = which === 'active' ? [product.active] : [product.active, product.sliced];
      for (const version of versions) {
        const doc = version === undefined ? null : product.docs.get(version);
        if (!doc) continue;
        out.add(entryText({ indexKey: `IDX#brand#${escapeValue(String(doc['brand_id']))}#product`, entityKey: product.entityKey }));
        for (const c of new Set(doc['category_ids'] as string[]))
          out.add(entryText({ indexKey: `IDX#category#${escapeValue(c)}#product`, entityKey: product.entityKey }));
      }
    }
    return [...out].sort();
  }

  /**
   * An independent oracle of reads: every product's default view (the active version) and its
   * view at the newest sliced version equal its document there merged with its brand's current
   * name; NotFound when that document is a deletion or nothing is active; SLICE_MISSING where a
   * FAIL_CLOSED view lacks a slice. Products never ingested in a tenant are NotFound there.
   */
  async checkViewsMatchModel(): Promise<void> {
    for (const tenantId of TENANTS) {
      for (const sku of SKUS) {
        const entity = this.model.get(`${tenantId}/product#${sku}`);
        for (const viewId of this.contracts.views) {
          const read = (version?: number) =>
            queryView(this.registry, this.stores, { tenantId, viewId, entityId: sku, ...(version === undefined ? {} : { version }) });
          await this.expectView(read(), entity, entity?.active, tenantId, viewId, `${tenantId}/product#${sku} ${viewId} (active)`);
          if (entity?.sliced !== undefined && entity.sliced !== entity.active)
            await this.expectView(read(entity.sliced), entity, entity.sliced, tenantId, viewId, `${tenantId}/product#${sku} ${viewId}@${entity.sliced}`);
        }
      }
    }
  }

  private async expectView(
    read: Promise<{ data: JsonObject; missingSlices: readonly string[] }>,
    entity: EntityModel | undefined,
    version: number | undefined,
    tenantId: string,
    viewId: string,
    what: string,
  ): Promise<void> {
    const doc = version === undefined ? null : (entity?.docs.get(version) ?? null);
    if (doc === null) return expectRejects(read, NotFoundError, what);
    const brand = this.brandDoc(tenantId, String(doc['brand_id']));
    const attributes = doc['attributes'] as Record<string, string> | undefined;
    const badge: Record<string, unknown> = {};
    if (attributes && Object.hasOwn(attributes, 'color')) badge['color'] = attributes['color'];
    if (brand) badge['brand_name'] = brand['name'];
    const badgeMissing = Object.keys(badge).length === 0;
    let expected: Record<string, unknown>;
    let missing: string[] = [];
    if (viewId === 'product-badge') {
      expected = { price: doc['price'], ...badge };
      if (badgeMissing) missing = ['PRODUCT_BADGE'];
    } else {
      expected = { ...doc, ...(brand ? { brand_name: brand['name'] } : {}) };
      if (this.contracts.variant === 'badge') {
        if (badgeMissing) {
          reach('view with a missing slice');
          return expectRejects(read, SliceMissingError, what);
        }
        if ('color' in badge) expected['color'] = badge['color'];
      }
    }
    if (missing.length > 0) reach('view with a missing slice');
    const view = await read;
    assertEqual({ data: sortKeys(view.data), missing: view.missingSlices }, { data: sortKeys(expected), missing }, `view ${what}`);
  }

  /** A brand's document readers should see through the join: its newest sliced one. */
  private brandDoc(tenantId: string, brandId: string): JsonObject | null {
    const brand = this.model.get(`${tenantId}/brand#${brandId}`);
    return brand?.sliced === undefined ? null : (brand.docs.get(brand.sliced) ?? null);
  }

  /**
   * What readers get, as committed slice content per entity (slice sets by hash and payload,
   * tombstones as none), the index, and the sliced and active versions: two worlds that ran the
   * same steps in different interleavings must agree on it.
   */
  async readerState(): Promise<Json> {
    const out: Record<string, Json> = {};
    for (const tenantId of TENANTS) {
      out[`${tenantId} index`] = this.stores.index.all(tenantId).map(entryText);
      for (const key of this.stores.heads.entityKeys(tenantId)) {
        const head = await this.stores.heads.get(tenantId, key);
        const describe = async (set: SliceSet | undefined): Promise<Json> => {
          if (!set) return null;
          const types = Object.keys(set.slices).sort();
          const records = await this.stores.slices.get(
            tenantId,
            types.map((sliceType) => ({ entityKey: key, version: (set.slices[sliceType] as { version: number }).version, sliceType })),
          );
          const slices: Record<string, string> = {};
          types.forEach((type, i) => {
            const text = describeSlice(records[i]);
            if (text !== '(none)') slices[type] = text;
          });
          return { version: set.version, slices };
        };
        out[`${tenantId}/${key}`] = { latest: head?.latest.version ?? 0, sliced: await describe(head?.sliced), active: await describe(head?.active) };
      }
    }
    return out;
  }
}

const NO_WORK = { written: [], tombstoned: [], indexAdded: [], indexRemoved: [], fanoutWritten: 0 };

function didWork(result: SlicingResult): Json {
  return {
    written: result.written,
    tombstoned: result.tombstoned,
    indexAdded: result.indexAdded.map(entryText),
    indexRemoved: result.indexRemoved.map(entryText),
    fanoutWritten: result.fanoutWritten,
  };
}

export function describeRequest(request: SliceRequest): string {
  const base = request.mode === 'INCREMENTAL' && request.fromVersion !== undefined ? ` from ${request.fromVersion}` : '';
  return `${request.mode} ${request.tenantId}/${request.entityKey}@${request.version}${base}${request.cutover === false ? ' (no cutover)' : ''}`;
}

function splitKey(entityKey: string): [string, string] {
  const at = entityKey.indexOf('#');
  return [entityKey.slice(0, at), entityKey.slice(at + 1)];
}

/** Index values percent-escape '%' and '#' (written here independently of the engine). */
function escapeValue(value: string): string {
  let out = '';
  for (const ch of value) out += ch === '%' ? '%25' : ch === '#' ? '%23' : ch;
  return out;
}

function describeSlice(slice: SliceRecord | undefined): string {
  if (!slice || slice.tombstone) return '(none)';
  return `${slice.hash.slice(0, 12)} ${JSON.stringify(slice.data)}`;
}

const entryText = (e: IndexEntry): string => `${e.indexKey} → ${e.entityKey}`;

function sortKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, value[k]]),
  );
}

export function assertEqual(actual: unknown, expected: unknown, message: string): void {
  const a = canonicalJson(actual as Json);
  const b = canonicalJson(expected as Json);
  if (a !== b) throw new Error(`${message}\n  expected: ${b}\n  actual:   ${a}`);
}

export async function expectRejects(promise: Promise<unknown>, type: new (...args: never[]) => Error, what = ''): Promise<void> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return;
    throw error;
  }
  throw new Error(`expected ${type.name}${what ? ` for ${what}` : ''}`);
}
