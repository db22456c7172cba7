import fc from 'fast-check';
import {
  ConcurrencyConflictError,
  type ContractRegistry,
  createInMemoryStores,
  type EntityHead,
  type HeadStore,
  type InMemoryStores,
  insertRawdata,
  type JsonObject,
  joinView,
  NotFoundError,
  queryView,
  type RawRecord,
  readShippedState,
  type SinkContract,
  type SinkOperation,
  sinkOperation,
  type SliceRecord,
  type SliceSet,
  type SlicingState,
  SlicingEngine,
  shipTargets,
  type Stores,
} from '../src';
import { assertEqual, expectRejects, reach } from './catalog-world';

/**
 * A deploy pipeline in miniature (docs/deploys.md, "Document revisions"): compiles (ingest and
 * slice, with cutover at once, after the ship, or not at all), brand renames fanning out to
 * products, cutovers and ships, run by concurrent workers whose store calls interleave as a
 * scheduler chooses. Ships go to a model sink that, like a webhook receiver or OpenSearch's
 * external version, applies an operation only over a lower revision per document. Beside it,
 * every head commit is recorded by revision, and an independent model keeps the documents
 * ingested, so the suite can check what the sink was sent and what it ends with.
 */

export const SHIP_TENANT = 'acme';
export const SHIP_SKUS = ['P1', 'P2', 'P3'] as const;
export const SHIP_BRANDS = ['B1', 'B2'] as const;

export type ShipOp =
  /** Ingest the product's next version and slice it; ship it; cut over now ('ready'), after the ship ('done'), or never ('none'). */
  | {
      readonly kind: 'compile';
      readonly sku: string;
      readonly doc: { readonly brand_id: string; readonly price: number; readonly category_ids: readonly string[] };
      readonly deleted: boolean;
      readonly cutover: 'ready' | 'done' | 'none';
      readonly ship: boolean;
      /** Pass the stored raw record to the slicing (a deploy's compile) rather than let the engine read it. */
      readonly record: boolean;
    }
  /** Ingest the brand's next version (a rename, or a deletion when `name` is null), slice it (fan-out), ship its parents. */
  | { readonly kind: 'rename'; readonly brandId: string; readonly name: string | null; readonly ship: boolean }
  /** Ship an entity's documents (a ship task, possibly late). */
  | { readonly kind: 'ship'; readonly entityKey: string }
  /** Cut a product over to its newest version issued so far, less `back`; after that version's compile when `wait`, else at once. */
  | { readonly kind: 'cutover'; readonly sku: string; readonly back: number; readonly wait: boolean };

const skus = fc.constantFrom(...SHIP_SKUS);
const brands = fc.constantFrom(...SHIP_BRANDS);

/** Random ship steps; renames and ships are frequent so that they race the compiles of the products they reach. */
export const shipOps = (maxLength: number): fc.Arbitrary<ShipOp[]> =>
  fc.array(
    fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({
          kind: fc.constant('compile' as const),
          sku: skus,
          doc: fc.record({
            brand_id: brands,
            price: fc.integer({ min: 0, max: 3 }),
            category_ids: fc.uniqueArray(fc.constantFrom('C1', 'C2'), { maxLength: 2 }),
          }),
          deleted: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 6, arbitrary: fc.constant(false) }),
          cutover: fc.constantFrom('ready' as const, 'done' as const, 'none' as const),
          ship: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
          record: fc.boolean(),
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('rename' as const),
          brandId: brands,
          name: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('Acme', 'Globex', 'Initech', 'Umbrella') }, { weight: 1, arbitrary: fc.constant(null) }),
          ship: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
        }),
      },
      {
        weight: 3,
        arbitrary: fc
          .oneof(
            skus.map((sku) => `product#${sku}`),
            brands.map((b) => `brand#${b}`),
          )
          .map((entityKey) => ({ kind: 'ship' as const, entityKey })),
      },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('cutover' as const), sku: skus, back: fc.integer({ min: 0, max: 2 }), wait: fc.boolean() }) },
    ),
    { minLength: 4, maxLength, size: 'max' },
  );

/** Attempts of a task that keeps meeting a ConcurrencyConflictError (each after a backoff) before the run fails. */
const TASK_ATTEMPTS = 10;

/** Steps walked by every ship world in this process. */
export const shipStepCounter = { steps: 0 };

interface Entity {
  /** Every version issued, its document (null: a deletion). */
  readonly docs: Map<number, JsonObject | null>;
  latest: number;
  /** Settles when the entity's latest started compile (insert and slicing) is done. */
  compiled: Promise<unknown>;
  /** Settles when the entity's latest started insert is done. */
  stored: Promise<unknown>;
}

export interface ShipWorldOptions {
  readonly registry: ContractRegistry;
  /** Wraps the stores a worker sees (a scheduler's interleaving); the world checks on the stores themselves. */
  readonly workerStores?: (stores: Stores, worker: number) => Stores;
  /** Called between a ship's read and its delivery to the sink (a scheduler turn: ships overtake one another). */
  readonly beforeDelivery?: () => Promise<void>;
  /**
   * Let the slicings of one entity's versions race each other, as two jobs of one entity may
   * (only their inserts keep their order). Off in the suite: the engine can then leave the
   * entity's index entries off (a lost slicing's clean-up racing the winner), a known limit.
   */
  readonly raceCompiles?: boolean;
  /** Called before a task's retry after a ConcurrencyConflictError (its backoff: the writers in flight move on meanwhile). */
  readonly backoff?: () => Promise<void>;
}

export class ShipWorld {
  readonly stores: InMemoryStores = createInMemoryStores({ keepSliceLog: true });
  readonly registry: ContractRegistry;
  readonly sink: SinkContract;
  /** Every operation sent to the sink, in order. */
  readonly deliveries: SinkOperation[] = [];
  /** The sink: per docId the operation it holds (the highest revision it was sent). */
  readonly held = new Map<string, SinkOperation>();
  /** entityKey → revision → the slicing state the head committed at that revision. */
  readonly states = new Map<string, Map<number, SlicingState>>();
  private readonly model = new Map<string, Entity>();
  private readonly workers: { stores: Stores; engine: SlicingEngine }[] = [];

  constructor(private readonly options: ShipWorldOptions) {
    this.registry = options.registry;
    this.sink = this.registry.sink('opensearch-products');
    const heads = this.stores.heads;
    const commit = heads.commit.bind(heads);
    heads.commit = async (tenantId, entityKey, expectedRevision, state) => {
      const committed = await commit(tenantId, entityKey, expectedRevision, state);
      if (committed) {
        let byRevision = this.states.get(entityKey);
        if (!byRevision) this.states.set(entityKey, (byRevision = new Map()));
        byRevision.set(expectedRevision + 1, state);
      }
      return committed;
    };
  }

  private worker(n: number): { stores: Stores; engine: SlicingEngine } {
    let w = this.workers[n];
    if (!w) {
      const stores = this.options.workerStores ? this.options.workerStores(this.stores, n) : this.stores;
      this.workers[n] = w = { stores, engine: new SlicingEngine(this.registry, stores) };
    }
    return w;
  }

  private entity(entityKey: string): Entity {
    let e = this.model.get(entityKey);
    if (!e) this.model.set(entityKey, (e = { docs: new Map(), latest: 0, compiled: Promise.resolve(), stored: Promise.resolve() }));
    return e;
  }

  /**
   * Issues the steps in order (versions and documents are decided here, in the model) and runs
   * them concurrently, step i on worker i % 2, a compile after the previous compile of its
   * entity; `settle` waits for all of it while a scheduler interleaves the store calls.
   */
  async run(ops: readonly ShipOp[], settle: <T>(work: Promise<T>) => Promise<T>): Promise<void> {
    const work = ops.map((op, i) => this.issue(op, i % 2));
    await settle(Promise.all(work.map((w) => w())));
  }

  private issue(op: ShipOp, n: number): () => Promise<void> {
    shipStepCounter.steps++;
    switch (op.kind) {
      case 'compile': {
        const key = `product#${op.sku}`;
        const entity = this.entity(key);
        const live = entity.docs.get(entity.latest);
        const doc: JsonObject | null =
          op.deleted && live
            ? null
            : { sku: op.sku, name: `Product ${op.sku}`, currency: 'KRW', status: 'ACTIVE', ...op.doc, category_ids: [...op.doc.category_ids] };
        const cutover = op.cutover === 'ready';
        const compile = this.compileNext(key, doc, n, (record) =>
          this.worker(n).engine.slice({
            tenantId: SHIP_TENANT,
            entityKey: key,
            version: record.version,
            mode: 'INCREMENTAL',
            cutover,
            ...(op.record ? { record } : {}),
          }),
        );
        return async () => {
          const { version } = await compile();
          if (op.ship) await this.ship(key, n);
          if (op.cutover === 'done') {
            const result = await this.retried(() => this.worker(n).engine.cutover(SHIP_TENANT, key, version));
            if (!result.cutover && result.cutoverSkipped?.reason !== 'NEWER_VERSION_SLICED')
              throw new Error(`cutover of ${key}@${version} after its compile: ${JSON.stringify(result)}`);
            reach(result.cutover ? 'cutover after the ship' : 'cutover after the ship overtaken by a newer compile');
          }
        };
      }
      case 'rename': {
        const key = `brand#${op.brandId}`;
        const entity = this.entity(key);
        const name = op.name === null && !entity.docs.get(entity.latest) ? 'Acme' : op.name;
        const compile = this.compileNext(key, name === null ? null : { brand_id: op.brandId, name }, n, (record) =>
          this.worker(n).engine.slice({ tenantId: SHIP_TENANT, entityKey: key, version: record.version, mode: 'INCREMENTAL' }),
        );
        return async () => {
          await compile();
          if (op.ship) await this.ship(key, n);
        };
      }
      case 'ship':
        return () => this.ship(op.entityKey, n);
      case 'cutover': {
        const key = `product#${op.sku}`;
        const entity = this.entity(key);
        const version = Math.max(1, entity.latest - op.back);
        return async () => {
          // The compile of the newest version issued so far (read when the step starts: steps start in order).
          if (op.wait) await entity.compiled;
          const engine = this.worker(n).engine;
          let result: Awaited<ReturnType<SlicingEngine['cutover']>>;
          try {
            result = await this.retried(() => engine.cutover(SHIP_TENANT, key, version));
          } catch (error) {
            // Nothing of the product is ingested yet (its first insert may still be in flight).
            if (error instanceof NotFoundError) return reach('cutover of a product not ingested yet');
            throw error;
          }
          reach(result.cutover ? (result.moved ? 'cutover moved' : 'cutover repeated') : `cutover refused: ${result.cutoverSkipped?.reason ?? ''}`);
        };
      }
    }
  }

  /**
   * Decides the entity's next version now. The returned function, called at the very start of the
   * step (steps start in order), stores that version and slices it (retrying a conflict, as a task
   * does) once the entity's previous compile is done: compiles of one entity keep their order
   * (ships and cutovers race freely). With `raceCompiles` only the inserts wait: slicings of
   * different versions of one entity then race each other too.
   */
  private compileNext(entityKey: string, doc: JsonObject | null, n: number, slice: (record: RawRecord) => Promise<unknown>): () => Promise<RawRecord> {
    const entity = this.entity(entityKey);
    const version = ++entity.latest;
    entity.docs.set(version, doc);
    const [entityType, entityId] = entityKey.split('#') as [string, string];
    const input = { tenantId: SHIP_TENANT, entityType, entityId, version };
    return () => {
      const insert = async (): Promise<RawRecord> => {
        const stored = await insertRawdata(this.registry, this.worker(n).stores.raw, doc === null ? { ...input, deleted: true } : { ...input, data: doc });
        assertEqual(stored.created, true, `ingest of ${entityKey}@${version} stored nothing`);
        return stored.record;
      };
      // Racing: only the inserts keep their order (a version cannot be stored after a newer one).
      const stored = this.options.raceCompiles ? entity.stored.then(insert) : entity.compiled.then(insert);
      const compiled = stored.then(async (record) => {
        await this.retried(() => slice(record));
        return record;
      });
      entity.stored = stored;
      entity.compiled = compiled;
      return compiled;
    };
  }

  /** A task's retry of the engine's "retry me" (SPEC §8), after a backoff. */
  private async retried<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        if (!(error instanceof ConcurrencyConflictError) || attempt >= TASK_ATTEMPTS) throw error;
        reach('ConcurrencyConflictError retried');
        await this.options.backoff?.();
      }
    }
  }

  /** A ship task for one changed entity: every document it alters, read consistently and delivered. */
  async ship(entityKey: string, n: number | 'direct'): Promise<void> {
    const stores = n === 'direct' ? this.stores : this.worker(n).stores;
    for await (const page of shipTargets(this.registry, stores, SHIP_TENANT, this.sink, entityKey)) {
      for (const key of page) await this.deliver(key, stores, n === 'direct');
    }
  }

  private async deliver(entityKey: string, stores: Stores, direct: boolean): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let reads = 0;
      const heads: HeadStore = {
        get: (t, k) => (reads++, stores.heads.get(t, k)),
        getMany: (t, k) => stores.heads.getMany(t, k),
        commit: (t, k, r, s) => stores.heads.commit(t, k, r, s),
      };
      try {
        const state = await readShippedState(this.registry, { heads, slices: stores.slices }, SHIP_TENANT, this.sink, entityKey);
        if (reads > 1) reach('mismatch re-read');
        if (!direct) await this.options.beforeDelivery?.();
        this.apply(sinkOperation(this.sink, SHIP_TENANT, state));
        return;
      } catch (error) {
        if (error instanceof NotFoundError) return reach('ship of a product not sliced yet');
        if (!(error instanceof ConcurrencyConflictError) || attempt >= TASK_ATTEMPTS || direct) throw error;
        reach('ship read kept disagreeing (task retried)');
        await this.options.backoff?.();
      }
    }
  }

  /** The model sink: an operation applies only over a lower revision of its document. */
  private apply(op: SinkOperation): void {
    const sameVersionEarlier = this.deliveries.some(
      (d) => d.docId === op.docId && d.version === op.version && d.revision < op.revision && documentOf(d) !== documentOf(op),
    );
    if (sameVersionEarlier) reach('rename at the same version shipped');
    this.deliveries.push(op);
    const held = this.held.get(op.docId);
    if (held && held.revision >= op.revision) {
      reach(held.revision > op.revision ? 'late ship overtaken by a newer one' : 'same revision shipped again');
      return;
    }
    this.held.set(op.docId, op);
  }

  /** The document of a committed slice set, from the slices it names (by hash: every slice ever written is in the log). */
  documentOfSet(entityKey: string, set: SliceSet): JsonObject | null {
    const byHash = new Map<string, SliceRecord>();
    for (const record of this.stores.slices.log) if (record.entityKey === entityKey) byHash.set(`${record.sliceType}#${record.hash}`, record);
    const slices = new Map<string, SliceRecord>();
    for (const [type, ref] of Object.entries(set.slices)) {
      const record = byHash.get(`${type}#${ref.hash}`);
      if (!record) throw new Error(`${entityKey}@${set.version} names ${type} ${ref.hash}, which was never written`);
      slices.set(type, record);
    }
    if ([...slices.values()].every((s) => s.tombstone)) return null;
    return joinView(this.registry.view(viewOf(this.sink)), entityKey, set.version, slices).data;
  }

  /**
   * (a) Every delivery carries the version and the document of the head state at its revision;
   * (b) per document, a higher revision never carries an older state: never an older entity
   * version and, at one version under one brand, never a brand name only older brand versions had.
   */
  checkDeliveries(): void {
    reach('delivery checked', this.deliveries.length);
    for (const op of this.deliveries) {
      const state = this.states.get(op.entityKey)?.get(op.revision);
      if (!state?.sliced) throw new Error(`${describe(op)}: no head state with a sliced set was committed at that revision`);
      assertEqual(
        { version: op.version, document: documentOf(op) },
        { version: state.sliced.version, document: this.documentOfSet(op.entityKey, state.sliced) },
        `(a) ${describe(op)}`,
      );
    }
    const byDoc = new Map<string, SinkOperation[]>();
    for (const op of this.deliveries) byDoc.set(op.docId, [...(byDoc.get(op.docId) ?? []), op]);
    for (const ops of byDoc.values()) {
      for (const a of ops) {
        for (const b of ops) {
          if (a.revision >= b.revision) continue;
          if (a.version > b.version) throw new Error(`(b) ${describe(b)} carries an older version than ${describe(a)}`);
          const [da, db] = [documentOf(a), documentOf(b)];
          if (a.version !== b.version || da === null || db === null || da['brand_id'] !== db['brand_id']) continue;
          const versions = (d: JsonObject) => this.brandVersionsNamed(String(d['brand_id']), d['brand_name'] as string | undefined);
          if (Math.max(...versions(db)) < Math.min(...versions(da)))
            throw new Error(`(b) ${describe(b)} carries a brand name only older brand versions had than ${describe(a)}`);
        }
      }
    }
  }

  /** The brand versions whose document gives a product this brand_name (absent: none; version 0: no brand yet). */
  private brandVersionsNamed(brandId: string, name: string | undefined): number[] {
    const docs = this.model.get(`brand#${brandId}`)?.docs ?? new Map<number, JsonObject | null>();
    const out = [...docs].filter(([, doc]) => (doc === null ? undefined : doc['name']) === name).map(([v]) => v);
    return name === undefined ? [0, ...out] : out;
  }

  /**
   * (c) After one final ship of every product: the sink holds, per document, the newest
   * version's document (its brand's newest name merged in; a deletion as a delete) at the
   * head's current revision; products never compiled are not in it. Also what readers get from
   * the active version, and the index (which stands for the active and the sliced version),
   * match the model after the cutovers.
   */
  async checkFinal(): Promise<void> {
    for (const sku of SHIP_SKUS) await this.ship(`product#${sku}`, 'direct');
    for (const sku of SHIP_SKUS) {
      const key = `product#${sku}`;
      const entity = this.model.get(key);
      const held = this.held.get(`${SHIP_TENANT}:${sku}`);
      const head = await this.stores.heads.get(SHIP_TENANT, key);
      if (!entity || entity.latest === 0) {
        assertEqual(held ?? null, null, `(c) ${key} was never compiled but the sink holds it`);
        continue;
      }
      assertEqual(head?.sliced?.version, entity.latest, `${key}: newest sliced version`);
      assertEqual(
        { version: held?.version ?? null, revision: held?.revision ?? null, document: held ? documentOf(held) : null },
        { version: entity.latest, revision: head?.revision, document: this.expected(entity, entity.latest) },
        `(c) the sink's ${key}`,
      );
      await this.checkActive(key, sku, entity, head as EntityHead);
    }
    await this.checkIndex();
  }

  private async checkActive(key: string, sku: string, entity: Entity, head: EntityHead): Promise<void> {
    if (head.active === undefined) return;
    const expected = this.expected(entity, head.active.version);
    const read = queryView(this.registry, this.stores, { tenantId: SHIP_TENANT, viewId: viewOf(this.sink), entityId: sku });
    if (expected === null) return expectRejects(read, NotFoundError, `${key} active view`);
    assertEqual((await read).data, expected, `${key}: the view readers get at the active version ${head.active.version}`);
  }

  /** The index is exactly the entries of the products' documents at their active and sliced versions. */
  private async checkIndex(): Promise<void> {
    const expected = new Set<string>();
    for (const sku of SHIP_SKUS) {
      const key = `product#${sku}`;
      const head = await this.stores.heads.get(SHIP_TENANT, key);
      for (const version of [head?.active?.version, head?.sliced?.version]) {
        const doc = version === undefined ? null : this.model.get(key)?.docs.get(version);
        if (!doc) continue;
        expected.add(`IDX#brand#${String(doc['brand_id'])}#product → ${key}`);
        for (const c of doc['category_ids'] as string[]) expected.add(`IDX#category#${c}#product → ${key}`);
      }
    }
    const actual = this.stores.index
      .all(SHIP_TENANT)
      .map((e) => `${e.indexKey} → ${e.entityKey}`)
      .sort();
    assertEqual(actual, [...expected].sort(), 'the index after the cutovers');
  }

  /** The product document the model expects at a version: null for a deletion, else merged with its brand's newest name. */
  private expected(entity: Entity, version: number): JsonObject | null {
    const doc = entity.docs.get(version) ?? null;
    if (doc === null) return null;
    const brand = this.model.get(`brand#${String(doc['brand_id'])}`);
    const brandDoc = brand ? brand.docs.get(brand.latest) : null;
    return brandDoc ? { ...doc, brand_name: brandDoc['name'] as string } : doc;
  }
}

function viewOf(sink: SinkContract): string {
  if (!('view' in sink.source)) throw new Error(`sink ${sink.id} has no view source`);
  return sink.source.view;
}

const documentOf = (op: SinkOperation): JsonObject | null => (op.kind === 'upsert' ? op.document : null);

const describe = (op: SinkOperation): string => `${op.kind} ${op.docId} version ${op.version} revision ${op.revision}`;
