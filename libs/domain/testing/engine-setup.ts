import { type ContractRegistry, createInMemoryStores, insertRawdata, type JsonObject, readEffectiveSlices, SlicingEngine } from '../src';
import { sampleRegistry } from './sample-contracts';

export const TEST_TENANT = 'acme';

/**
 * A SlicingEngine on fresh in-memory stores (slice log kept) with terse helpers for
 * example-based engine tests.
 */
export function engineSetup(registry: ContractRegistry = sampleRegistry()) {
  const T = TEST_TENANT;
  const stores = createInMemoryStores({ keepSliceLog: true });
  const engine = new SlicingEngine(registry, stores);
  const put = async (entityType: string, entityId: string, version: number, data: JsonObject): Promise<void> => {
    await insertRawdata(registry, stores.raw, { tenantId: T, entityType, entityId, version, data });
  };
  const del = async (entityType: string, entityId: string, version: number): Promise<void> => {
    await insertRawdata(registry, stores.raw, { tenantId: T, entityType, entityId, version, deleted: true });
  };
  const incremental = (entityKey: string, fromVersion: number, version: number, options: { cutover?: boolean } = {}) =>
    engine.slice({ tenantId: T, entityKey, version, mode: 'INCREMENTAL', fromVersion, ...options });
  const full = (entityKey: string, version: number, options: { cutover?: boolean } = {}) =>
    engine.slice({ tenantId: T, entityKey, version, mode: 'FULL', ...options });
  /** Slices written since a log position, as `entityKey@version/TYPE`. */
  const logSince = (from: number): string[] => stores.slices.log.slice(from).map((r) => `${r.entityKey}@${r.version}/${r.sliceType}`);
  /** Inserts and slices (INCREMENTAL) the next version of an entity. */
  const versions = new Map<string, number>();
  const upsert = async (entityType: string, entityId: string, data: JsonObject) => {
    const key = `${entityType}#${entityId}`;
    const from = versions.get(key) ?? 0;
    versions.set(key, from + 1);
    await put(entityType, entityId, from + 1, data);
    return incremental(key, from, from + 1);
  };
  /** The PRODUCT_BRAND_ENRICHED slice of a product's newest sliced version (or of `version`). */
  const enriched = async (sku: string, version?: number) => {
    const head = await stores.heads.get(T, `product#${sku}`);
    const at = version ?? head?.sliced?.version;
    if (at === undefined) return undefined;
    return (await readEffectiveSlices(registry, stores, { tenantId: T, entityType: 'product', entityId: sku, version: at })).get('PRODUCT_BRAND_ENRICHED');
  };
  return { registry, stores, engine, put, del, incremental, full, logSince, upsert, enriched };
}
