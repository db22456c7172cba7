import { createInMemoryStores, type JsonObject, NotFoundError } from '@ivm/domain';
import { sampleRegistry } from '@ivm/domain/testing';
import { createIvmServices } from './services';

const T = 'acme';
const brand = (name: string): JsonObject => ({ brand_id: 'B1', name });
const product = (sku: string, extra: JsonObject = {}): JsonObject => ({
  sku,
  name: `Product ${sku}`,
  brand_id: 'B1',
  category_ids: ['C1'],
  price: 1000,
  currency: 'KRW',
  status: 'ACTIVE',
  ...extra,
});

function setup() {
  const stores = createInMemoryStores();
  const services = createIvmServices({ registry: sampleRegistry(), stores });
  const ingest = (entityType: string, entityId: string, version: number, data: JsonObject) =>
    services.insertRaw({ tenantId: T, entityType, entityId, version, data });
  return { stores, services, ingest };
}

describe('raw data', () => {
  it('inserts, replays and reads a document, latest or by version', async () => {
    const { services, ingest } = setup();
    const first = await ingest('brand', 'B1', 1, brand('Acme'));
    expect(first).toMatchObject({ entityKey: 'brand#B1', version: 1, deleted: false, created: true, data: { brand_id: 'B1', name: 'Acme' } });
    expect(await ingest('brand', 'B1', 1, brand('Acme'))).toMatchObject({ created: false, hash: first.hash });
    await ingest('brand', 'B1', 3, brand('Acme 3'));
    expect(await services.readRaw(T, 'brand', 'B1', 'latest')).toMatchObject({ version: 3, data: { name: 'Acme 3' } });
    expect(await services.readRaw(T, 'brand', 'B1', 1)).toEqual({
      entityKey: 'brand#B1',
      version: 1,
      hash: first.hash,
      deleted: false,
      data: { brand_id: 'B1', name: 'Acme' },
    });
    await expect(services.readRaw(T, 'brand', 'B1', 2)).rejects.toBeInstanceOf(NotFoundError);
    await expect(services.readRaw(T, 'brand', 'B2', 'latest')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(services.readRaw(T, 'shoe', 'B1', 'latest')).rejects.toMatchObject({ code: 'UNKNOWN_ENTITY_TYPE' });
  });

  it('deletes with a tombstone, replays the deletion, refuses an older version', async () => {
    const { services, ingest } = setup();
    await ingest('brand', 'B1', 1, brand('Acme'));
    const deletion = await services.deleteRaw({ tenantId: T, entityType: 'brand', entityId: 'B1', version: 2 });
    expect(deletion).toMatchObject({ version: 2, deleted: true, data: null, created: true });
    expect(await services.deleteRaw({ tenantId: T, entityType: 'brand', entityId: 'B1', version: 2 })).toMatchObject({ created: false });
    await expect(services.deleteRaw({ tenantId: T, entityType: 'brand', entityId: 'B1', version: 1 })).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
    expect(await services.readRaw(T, 'brand', 'B1', 'latest')).toMatchObject({ version: 2, deleted: true });
  });
});

describe('change sets', () => {
  it('creates once, then returns the stored one', async () => {
    const { services, ingest } = setup();
    await ingest('brand', 'B1', 1, brand('Acme'));
    await ingest('brand', 'B1', 2, brand('Acme Corp'));
    const command = { tenantId: T, entityType: 'brand', entityId: 'B1', fromVersion: 1, toVersion: 2 };
    const created = await services.createChangeSet(command);
    expect(created).toMatchObject({ created: true, changes: [{ op: 'replace', path: '/name', before: 'Acme', after: 'Acme Corp' }] });
    expect(await services.createChangeSet(command)).toMatchObject({ created: false, hash: created.hash });
    await expect(services.createChangeSet({ ...command, toVersion: 5 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(services.createChangeSet({ ...command, entityType: 'shoe' })).rejects.toMatchObject({ code: 'UNKNOWN_ENTITY_TYPE' });
  });
});

describe('slicing, views and effective slices', () => {
  it('slices FULL, moves the active version and serves the view', async () => {
    const { services, ingest, stores } = setup();
    await ingest('brand', 'B1', 1, brand('Acme'));
    await ingest('product', 'P1', 1, product('P1'));
    await services.slice({ tenantId: T, entityType: 'brand', entityId: 'B1', version: 1, mode: 'FULL' });
    const report = await services.slice({ tenantId: T, entityType: 'product', entityId: 'P1', version: 1, mode: 'FULL' });
    expect(report).toEqual({
      entityKey: 'product#P1',
      version: 1,
      mode: 'FULL',
      written: ['PRODUCT_CORE', 'PRODUCT_PRICE', 'PRODUCT_BRAND_ENRICHED'],
      unchanged: [],
      tombstoned: [],
      index: { added: ['IDX#brand#B1#product', 'IDX#category#C1#product'], removed: [] },
      superseded: [],
      fanout: [],
      fanoutBatches: 0,
      cutover: true,
      slicedVersion: 1,
      activeVersion: 1,
    });
    expect((await stores.heads.get(T, 'product#P1'))?.active?.version).toBe(1);
    const view = await services.queryView({ tenantId: T, viewId: 'product-detail', entityId: 'P1' });
    expect(view).toMatchObject({ view: 'product-detail', entityKey: 'product#P1', version: 1, data: { sku: 'P1', brand_name: 'Acme', price: 1000 } });
    const slices = await services.effectiveSlices({ tenantId: T, entityType: 'product', entityId: 'P1' });
    expect(slices.version).toBe(1);
    expect(Object.keys(slices.slices)).toEqual(['PRODUCT_BRAND_ENRICHED', 'PRODUCT_CORE', 'PRODUCT_PRICE']);
    expect(slices.slices['PRODUCT_PRICE']).toMatchObject({ version: 1, tombstone: false, data: { price: 1000, currency: 'KRW' } });
  });

  it('INCREMENTAL without fromVersion starts from the newest raw version below, 0 for the first', async () => {
    const { services, ingest } = setup();
    await ingest('product', 'P1', 1, product('P1'));
    expect(await services.slice({ tenantId: T, entityType: 'product', entityId: 'P1', version: 1, mode: 'INCREMENTAL' })).toMatchObject({ fromVersion: 0 });
    await ingest('product', 'P1', 4, product('P1', { price: 2000 }));
    const report = await services.slice({ tenantId: T, entityType: 'product', entityId: 'P1', version: 4, mode: 'INCREMENTAL' });
    expect(report).toMatchObject({ fromVersion: 1, written: ['PRODUCT_PRICE'], index: { added: [], removed: [] } });
  });

  it('leaves the active version alone with cutover: false', async () => {
    const { services, ingest, stores } = setup();
    await ingest('product', 'P1', 1, product('P1'));
    await services.slice({ tenantId: T, entityType: 'product', entityId: 'P1', version: 1, mode: 'FULL' });
    await ingest('product', 'P1', 2, product('P1', { price: 5 }));
    expect(await services.slice({ tenantId: T, entityType: 'product', entityId: 'P1', version: 2, mode: 'INCREMENTAL', cutover: false })).toMatchObject({
      cutover: false,
    });
    expect((await stores.heads.get(T, 'product#P1'))?.active?.version).toBe(1);
    expect((await services.queryView({ tenantId: T, viewId: 'product-detail', entityId: 'P1' })).data).toMatchObject({ price: 1000 });
    expect((await services.queryView({ tenantId: T, viewId: 'product-detail', entityId: 'P1', version: 2 })).data).toMatchObject({ price: 5 });
  });

  it('fans a brand rename out to its products', async () => {
    const { services, ingest } = setup();
    await ingest('brand', 'B1', 1, brand('Acme'));
    await services.slice({ tenantId: T, entityType: 'brand', entityId: 'B1', version: 1, mode: 'FULL' });
    for (const sku of ['P1', 'P2']) {
      await ingest('product', sku, 1, product(sku));
      await services.slice({ tenantId: T, entityType: 'product', entityId: sku, version: 1, mode: 'FULL' });
    }
    await ingest('brand', 'B1', 2, brand('Acme Corp'));
    const report = await services.slice({ tenantId: T, entityType: 'brand', entityId: 'B1', version: 2, mode: 'INCREMENTAL' });
    expect(report).toMatchObject({ fromVersion: 1, written: ['BRAND_CORE'], fanout: ['product#P1', 'product#P2'], fanoutBatches: 1 });
    for (const sku of ['P1', 'P2']) {
      expect((await services.queryView({ tenantId: T, viewId: 'product-detail', entityId: sku })).data).toMatchObject({ brand_name: 'Acme Corp' });
    }
  });

  it('reports missing things with domain codes', async () => {
    const { services } = setup();
    await expect(services.slice({ tenantId: T, entityType: 'product', entityId: 'P9', version: 1, mode: 'FULL' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(services.slice({ tenantId: T, entityType: 'shoe', entityId: 'P9', version: 1, mode: 'FULL' })).rejects.toMatchObject({
      code: 'UNKNOWN_ENTITY_TYPE',
    });
    await expect(services.queryView({ tenantId: T, viewId: 'product-detail', entityId: 'P9' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(services.queryView({ tenantId: T, viewId: 'nope', entityId: 'P9' })).rejects.toMatchObject({ code: 'UNKNOWN_CONTRACT' });
    await expect(services.effectiveSlices({ tenantId: T, entityType: 'product', entityId: 'P9' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lists the loaded contracts', () => {
    const { services } = setup();
    expect(services.listContracts()).toContainEqual({ kind: 'View', id: 'product-detail', version: '1.0.0' });
  });
});
