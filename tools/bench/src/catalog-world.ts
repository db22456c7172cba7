import { type Catalog, generateCatalog } from '@ivm/datagen';
import { type ContractRegistry, createInMemoryStores, insertRawdata, type InMemoryStores, SlicingEngine } from '@ivm/domain';
import { progress } from './measure';

export const TENANT = 'bench';

export interface BenchWorld {
  readonly catalog: Catalog;
  readonly stores: InMemoryStores;
  readonly engine: SlicingEngine;
}

/** A generated catalog ingested (validated, hashed, stored) into fresh in-memory stores. */
export async function ingestCatalog(
  registry: ContractRegistry,
  spec: { products: number; brands: number; categories: number; seed: number; pinnedBrandSizes?: number[] },
  options: { readonly quiet?: boolean } = {},
): Promise<BenchWorld> {
  const catalog = generateCatalog(spec);
  const stores = createInMemoryStores();
  const insert = async (entityType: string, entityId: string, data: unknown): Promise<void> => {
    await insertRawdata(registry, stores.raw, { tenantId: TENANT, entityType, entityId, version: 1, data });
  };
  for (const b of catalog.brands) await insert('brand', b.brand_id, b);
  for (const c of catalog.categories) await insert('category', c.category_id, c);
  for (const [i, p] of catalog.products.entries()) {
    await insert('product', p.sku, p);
    if (!options.quiet) progress('ingest products', i + 1, catalog.products.length);
  }
  return { catalog, stores, engine: new SlicingEngine(registry, stores) };
}

/**
 * The same raw data in fresh stores with nothing sliced (slices, change sets, index and the heads'
 * slicing state empty), so FULL can be timed repeatedly; the copy happens before the clock starts.
 */
export async function withFreshDerivedStores(world: BenchWorld, registry: ContractRegistry): Promise<BenchWorld> {
  const stores = createInMemoryStores();
  for (const entityKey of world.stores.heads.entityKeys(TENANT)) {
    const head = await world.stores.heads.get(TENANT, entityKey);
    if (head) await stores.raw.append(head.latest);
  }
  return { catalog: world.catalog, stores, engine: new SlicingEngine(registry, stores) };
}

/** FULL-rebuilds the catalog: brands and categories first (nothing to fan out to yet), then products. */
export async function fullBuild(world: BenchWorld, options: { readonly quiet?: boolean } = {}): Promise<number> {
  const entities = [
    ...world.catalog.brands.map((b) => ({ entityKey: `brand#${b.brand_id}`, version: 1 })),
    ...world.catalog.categories.map((c) => ({ entityKey: `category#${c.category_id}`, version: 1 })),
    ...world.catalog.products.map((p) => ({ entityKey: `product#${p.sku}`, version: 1 })),
  ];
  const summary = await world.engine.fullRebuild(TENANT, entities, options.quiet ? {} : { onProgress: (done, total) => progress('FULL build', done, total) });
  return summary.written;
}
