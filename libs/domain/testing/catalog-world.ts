import {
  canonicalJson,
  type ContractRegistry,
  type Json,
  createInMemoryStores,
  type InMemoryStores,
  insertRawdata,
  type IndexEntry,
  type JsonObject,
  NotFoundError,
  queryView,
  readEffectiveSlices,
  type SliceRecord,
  SlicingEngine,
  type SlicingResult,
} from '../src';
import { type CatalogOp, type ProductDoc, shuffleKeys } from './catalog-ops';
import { sampleRegistry } from './sample-contracts';

export * from './catalog-ops';

interface ModelEntry {
  readonly version: number;
  readonly doc: JsonObject | null;
}

export interface StepOutcome {
  readonly op: CatalogOp;
  readonly entityKey: string;
  readonly version: number;
  /** Undefined when the op was a delete of something that does not exist (and was refused). */
  readonly result: SlicingResult | undefined;
  /** Slice writes the step made, in order. */
  readonly sliceWrites: readonly SliceRecord[];
  /** The entity's document before the step (null: deleted or never created). */
  readonly before: JsonObject | null;
}

const DEFAULT_PRODUCT: Omit<ProductDoc, 'sku'> = { name: 'New', brand_id: 'B1', category_ids: [], price: 0, currency: 'KRW', status: 'ACTIVE' };

/** Steps walked by every world in this process (suites assert a minimum). */
export const stepCounter = { steps: 0 };

/**
 * A catalog driven through the real engine on in-memory stores, beside a plain model of the
 * latest documents, with the checks the property suites assert after every step.
 */
export class CatalogWorld {
  readonly stores: InMemoryStores = createInMemoryStores({ keepSliceLog: true });
  readonly engine: SlicingEngine;
  private readonly model = new Map<string, ModelEntry>();

  constructor(
    readonly registry: ContractRegistry = sampleRegistry(),
    readonly tenantId = 'acme',
  ) {
    this.engine = new SlicingEngine(registry, this.stores);
  }

  async apply(op: CatalogOp): Promise<StepOutcome> {
    stepCounter.steps++;
    const { entityType, entityId, doc } = this.next(op);
    const entityKey = `${entityType}#${entityId}`;
    const previous = this.model.get(entityKey);
    const version = (previous?.version ?? 0) + op.gap;
    const logStart = this.stores.slices.log.length;
    const before = previous?.doc ?? null;

    if (doc === null && before === null) {
      const writes = this.writeCounts();
      await expectRejects(
        insertRawdata(this.registry, this.stores.raw, { tenantId: this.tenantId, entityType, entityId, version, deleted: true }),
        NotFoundError,
      );
      assertEqual(this.writeCounts(), writes, `refused delete of ${entityKey} wrote something`);
      return { op, entityKey, version, result: undefined, sliceWrites: [], before };
    }
    const input = { tenantId: this.tenantId, entityType, entityId, version };
    await insertRawdata(this.registry, this.stores.raw, doc === null ? { ...input, deleted: true } : { ...input, data: shuffleKeys(doc, op.keyOrder) });
    this.model.set(entityKey, { version, doc });
    const result = await this.engine.slice(
      op.mode === 'FULL' ? { ...input, entityKey, mode: 'FULL' } : { ...input, entityKey, mode: 'INCREMENTAL', fromVersion: previous?.version ?? 0 },
    );
    return { op, entityKey, version, result, sliceWrites: this.stores.slices.log.slice(logStart), before };
  }

  private next(op: CatalogOp): { entityType: string; entityId: string; doc: JsonObject | null } {
    switch (op.kind) {
      case 'putProduct':
        return { entityType: 'product', entityId: op.doc.sku, doc: op.doc as unknown as JsonObject };
      case 'editProduct': {
        const current = (this.model.get(`product#${op.sku}`)?.doc ?? { sku: op.sku, ...DEFAULT_PRODUCT }) as Record<string, unknown>;
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

  /** The contract refs change sets of an entity are keyed by under this world's registry. */
  contracts(entityKey: string): { schemaRef: { id: string; version: string }; ruleSetRef: { id: string; version: string } } {
    const type = entityKey.slice(0, entityKey.indexOf('#'));
    const schema = this.registry.schema(type);
    const ruleSet = this.registry.ruleSet(type);
    return { schemaRef: { id: schema.id, version: schema.version }, ruleSetRef: { id: ruleSet.id, version: ruleSet.version } };
  }

  writeCounts(): Record<string, number> {
    const s = this.stores;
    return { raw: s.raw.writes, changeSets: s.changeSets.writes, slices: s.slices.writes, index: s.index.writes };
  }

  /** Idempotency: replaying the step's insert and slicing, and a FULL rebuild after it, write nothing. */
  async checkIdempotent(step: StepOutcome): Promise<void> {
    if (!step.result) return;
    const [entityType, entityId] = step.entityKey.split('#') as [string, string];
    const writes = this.writeCounts();
    const entry = this.model.get(step.entityKey) as ModelEntry;
    const input = { tenantId: this.tenantId, entityType, entityId, version: step.version };
    const replay = await insertRawdata(this.registry, this.stores.raw, entry.doc === null ? { ...input, deleted: true } : { ...input, data: entry.doc });
    assertEqual(replay.created, false, 'raw replay created a record');
    const requests = [
      step.op.mode === 'FULL'
        ? null
        : { tenantId: this.tenantId, entityKey: step.entityKey, version: step.version, mode: 'INCREMENTAL' as const, fromVersion: step.version - step.op.gap },
      { tenantId: this.tenantId, entityKey: step.entityKey, version: step.version, mode: 'FULL' as const },
    ];
    for (const request of requests) {
      if (!request) continue;
      const again = await this.engine.slice(request);
      const did = {
        written: again.written,
        tombstoned: again.tombstoned,
        indexAdded: again.indexAdded,
        indexRemoved: again.indexRemoved,
        fanoutWritten: again.fanoutWritten,
      };
      assertEqual(
        did,
        { written: [], tombstoned: [], indexAdded: [], indexRemoved: [], fanoutWritten: 0 },
        `re-running ${request.mode} on ${step.entityKey}@${step.version} did work`,
      );
    }
    assertEqual(this.writeCounts(), writes, `re-running ${step.entityKey}@${step.version} wrote to a store`);
  }

  /**
   * A brand change rebuilds exactly the enriched slices of the brand's live products (and the
   * brand's own slice), nothing else; when the visible brand name changed, every one of them.
   */
  checkBrandFanout(step: StepOutcome): void {
    if (!step.result || !step.entityKey.startsWith('brand#')) return;
    const brandId = step.entityKey.slice('brand#'.length);
    const parents = new Set(
      this.liveProducts()
        .filter(([, doc]) => doc['brand_id'] === brandId)
        .map(([key]) => key),
    );
    const allowed = (w: SliceRecord): boolean =>
      (w.entityKey === step.entityKey && w.sliceType === 'BRAND_CORE') || (w.sliceType === 'PRODUCT_BRAND_ENRICHED' && parents.has(w.entityKey));
    const stray = step.sliceWrites.filter((w) => !allowed(w)).map((w) => `${w.entityKey}/${w.sliceType}`);
    assertEqual(stray, [], `brand change ${step.entityKey}@${step.version} wrote slices outside its fan-out`);
    const newName = this.model.get(step.entityKey)?.doc?.['name'];
    if (step.before?.['name'] !== newName) {
      const rebuilt = new Set(step.sliceWrites.filter((w) => w.sliceType === 'PRODUCT_BRAND_ENRICHED').map((w) => w.entityKey));
      assertEqual([...rebuilt].sort(), [...parents].sort(), `brand rename ${step.entityKey}@${step.version} missed parents`);
      assertEqual(step.result.fanout, [...parents].sort(), `brand rename ${step.entityKey}@${step.version} reported another fan-out`);
    }
  }

  /** FULL == INCREMENTAL: a FULL rebuild from the same raw data gives the same effective slices and index. */
  async checkFullEqualsIncremental(context: string): Promise<void> {
    const full = createInMemoryStores();
    const engine = new SlicingEngine(this.registry, full);
    const keys = [...this.model.keys()].sort();
    const live: { entityKey: string; version: number }[] = [];
    for (const key of keys) {
      const latest = (await this.stores.heads.get(this.tenantId, key))?.latest;
      // A deleted entity has no slices after a FULL rebuild: it is compared, not rebuilt.
      if (!latest || latest.deleted) continue;
      await full.raw.append(latest);
      live.push({ entityKey: key, version: (this.model.get(key) as ModelEntry).version });
    }
    // Odd-sized chunks so chunk boundaries fall between related entities too.
    await engine.fullRebuild(this.tenantId, live, { chunkSize: 3 });
    const problems: string[] = [];
    for (const key of keys) {
      const { version } = this.model.get(key) as ModelEntry;
      const [entityType, entityId] = key.split('#') as [string, string];
      const types = this.registry.ruleSet(entityType).slices.map((s) => s.type);
      const at = { tenantId: this.tenantId, entityType, entityId, version };
      const inc = await readEffectiveSlices(this.registry, this.stores, at);
      const ful = await readEffectiveSlices(this.registry, full, at);
      for (const type of types) {
        const a = describeSlice(inc.get(type));
        const b = describeSlice(ful.get(type));
        if (a !== b) problems.push(`  ${key}@${version} ${type}\n    incremental: ${a}\n    full:        ${b}`);
      }
    }
    const incIndex = this.stores.index.all(this.tenantId).map(entryText);
    const fullIndex = full.index.all(this.tenantId).map(entryText);
    for (const e of incIndex.filter((x) => !fullIndex.includes(x))) problems.push(`  index entry only after INCREMENTAL: ${e}`);
    for (const e of fullIndex.filter((x) => !incIndex.includes(x))) problems.push(`  index entry only after FULL: ${e}`);
    if (problems.length > 0) throw new Error(`FULL != INCREMENTAL ${context}:\n${problems.join('\n')}`);
  }

  /** An independent oracle: every live product's view equals its document merged with its brand's name. */
  async checkViewsMatchModel(): Promise<void> {
    for (const [key, doc] of this.liveProducts()) {
      const { version } = this.model.get(key) as ModelEntry;
      const brand = this.model.get(`brand#${String(doc['brand_id'])}`)?.doc;
      const expected: Record<string, unknown> = { ...doc };
      if (brand) expected['brand_name'] = brand['name'];
      const view = await queryView(this.registry, this.stores, {
        tenantId: this.tenantId,
        viewId: 'product-detail',
        entityId: key.slice('product#'.length),
        version,
      });
      assertEqual(sortKeys(view.data), sortKeys(expected), `view of ${key}@${version}`);
    }
    for (const [key, entry] of this.model) {
      if (!key.startsWith('product#') || entry.doc !== null) continue;
      await expectRejects(
        queryView(this.registry, this.stores, { tenantId: this.tenantId, viewId: 'product-detail', entityId: key.slice(8), version: entry.version }),
        NotFoundError,
      );
    }
  }

  private liveProducts(): Array<[string, JsonObject]> {
    return [...this.model]
      .filter(([key, entry]) => key.startsWith('product#') && entry.doc !== null)
      .map(([key, entry]) => [key, entry.doc as JsonObject] as [string, JsonObject])
      .sort(([a], [b]) => (a < b ? -1 : 1));
  }
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

export async function expectRejects(promise: Promise<unknown>, type: new (...args: never[]) => Error): Promise<void> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return;
    throw error;
  }
  throw new Error(`expected ${type.name}`);
}
