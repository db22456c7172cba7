import { engineSetup, TEST_TENANT as T } from '../../testing/engine-setup';
import { InvalidVersionError, UnknownEntityTypeError } from '../errors';
import { readEffectiveSlices } from './query-view';

const product = { sku: 'P1', name: 'Cream', brand_id: 'B1', category_ids: ['C1'], price: 100, currency: 'KRW', status: 'ACTIVE' };

describe('readEffectiveSlices', () => {
  it('returns, per slice type, the newest slice at or below the version', async () => {
    const w = engineSetup();
    await w.upsert('product', 'P1', product);
    await w.upsert('product', 'P1', { ...product, price: 200 });
    const read = (version: number) => readEffectiveSlices(w.registry, w.stores, { tenantId: T, entityType: 'product', entityId: 'P1', version });

    const atTwo = await read(2);
    expect([...atTwo.keys()].sort()).toEqual(['PRODUCT_BRAND_ENRICHED', 'PRODUCT_CORE', 'PRODUCT_PRICE']);
    expect(atTwo.get('PRODUCT_PRICE')).toMatchObject({ version: 2, data: { price: 200, currency: 'KRW' } });
    expect(atTwo.get('PRODUCT_CORE')?.version).toBe(1);
    expect((await read(1)).get('PRODUCT_PRICE')).toMatchObject({ version: 1, data: { price: 100 } });
    expect((await read(99)).get('PRODUCT_PRICE')?.version).toBe(2);
  });

  it('is empty before the first version and fails closed on bad input', async () => {
    const w = engineSetup();
    expect((await readEffectiveSlices(w.registry, w.stores, { tenantId: T, entityType: 'product', entityId: 'P9', version: 1 })).size).toBe(0);
    await expect(readEffectiveSlices(w.registry, w.stores, { tenantId: T, entityType: 'warehouse', entityId: 'W1', version: 1 })).rejects.toThrow(
      UnknownEntityTypeError,
    );
    await expect(readEffectiveSlices(w.registry, w.stores, { tenantId: T, entityType: 'product', entityId: 'P1', version: 0 })).rejects.toThrow(
      InvalidVersionError,
    );
  });
});
