import { holdFirst, writeConcerning } from './testing/client-hooks';
import { brandDoc, productDoc, rawPath, type TestApi, TENANT } from './testing/http-harness';
import { useTestApi } from './testing/use-test-api';
import { sliceReport, statusAndBody } from './testing/answers';

/**
 * SPEC §12 over HTTP: what a reader sees does not depend on the order in which work arrives. Each
 * test pins one hazard of the earlier engine (commit 7641d36) and fails on its behaviour.
 */

const base = `/v1/tenants/${TENANT}`;
const put = (api: TestApi, entityType: string, id: string, version: number, body: unknown) => api.request('PUT', rawPath(entityType, id, version), { body });
const slice = (api: TestApi, body: Record<string, unknown>) => api.request('POST', `${base}/slicing`, { body });
const view = (api: TestApi, sku: string) => api.request('GET', `${base}/views/product-detail/${sku}`);

/** The product-detail page of a productDoc (no brand_name unless given: its brand need not exist). */
const page = (sku: string, brandId: string, version: number, data: Record<string, unknown> = {}) => ({
  status: 200,
  body: {
    view: 'product-detail',
    entityKey: `product#${sku}`,
    version,
    data: { sku, name: `Product ${sku}`, status: 'ACTIVE', brand_id: brandId, category_ids: ['C1'], price: 1000, currency: 'KRW', ...data },
    missingSlices: [],
  },
});
const WRITES = ['PutItem', 'UpdateItem', 'BatchWriteItem', 'DeleteItem'];

describe('the active pointer only moves forward', () => {
  const api = useTestApi();

  it('a late retry of slicing v1 after v2 answers NEWER_VERSION_SLICED, writes nothing, and the page stays on v2', async () => {
    expect((await put(api, 'product', 'L1', 1, productDoc('L1', 'LB'))).status).toBe(201);
    expect((await put(api, 'product', 'L1', 2, productDoc('L1', 'LB', { price: 2000 }))).status).toBe(201);
    const v1 = { entityType: 'product', entityId: 'L1', version: 1, mode: 'FULL' };
    expect((await slice(api, v1)).status).toBe(200);
    const v2 = await slice(api, { ...v1, version: 2 });
    expect(statusAndBody(v2)).toEqual({
      status: 200,
      body: sliceReport({
        entityKey: 'product#L1',
        version: 2,
        mode: 'FULL',
        written: ['PRODUCT_PRICE'],
        unchanged: ['PRODUCT_CORE', 'PRODUCT_BRAND_ENRICHED'],
      }),
    });
    expect(statusAndBody(await view(api, 'L1'))).toEqual(page('L1', 'LB', 2, { price: 2000 }));

    api.counter.reset();
    const late = await slice(api, v1);
    expect(statusAndBody(late)).toEqual({
      status: 200,
      body: sliceReport({
        entityKey: 'product#L1',
        version: 1,
        mode: 'FULL',
        cutover: false,
        cutoverSkipped: {
          reason: 'NEWER_VERSION_SLICED',
          message:
            'product#L1 is already sliced at version 2 (active: 2); a slicing of the older version 1 writes nothing and never moves the active version back',
        },
        slicedVersion: 2,
        activeVersion: 2,
      }),
    });
    // Nothing written: one read of the head, no write request of any kind.
    expect(api.counter.snapshot()).toEqual({ GetItem: 1 });
    expect(WRITES.map((operation) => api.counter.count(operation))).toEqual([0, 0, 0, 0]);
    expect(statusAndBody(await view(api, 'L1'))).toEqual(page('L1', 'LB', 2, { price: 2000 }));
  });

  it('racing cutovers: slicings of versions 2..6 fired together all answer 200 and leave version 6 active', async () => {
    const versions = [1, 2, 3, 4, 5, 6];
    for (const version of versions) expect((await put(api, 'product', 'RC', version, productDoc('RC', 'RB', { price: 100 * version }))).status).toBe(201);
    const answers = await Promise.all(versions.slice(1).map((version) => slice(api, { entityType: 'product', entityId: 'RC', version, mode: 'FULL' })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    // Each slicing either moved the pointer to its version, or found a newer one sliced and left it alone.
    answers.forEach((answer, i) => {
      const version = i + 2;
      const body = answer.body as { version: number; cutover: boolean; cutoverSkipped?: { reason: string }; slicedVersion: number; activeVersion: number };
      expect(body.version).toBe(version);
      if (body.cutover) expect(body.activeVersion).toBe(version);
      else expect([body.cutoverSkipped?.reason, body.slicedVersion > version, body.activeVersion > version]).toEqual(['NEWER_VERSION_SLICED', true, true]);
    });
    expect(answers[4]?.body).toMatchObject({ version: 6, cutover: true, slicedVersion: 6, activeVersion: 6 });
    expect(statusAndBody(await view(api, 'RC'))).toEqual(page('RC', 'RB', 6, { price: 600 }));
  });
});

describe('a join-target change reaches what readers read', () => {
  const api = useTestApi();

  it('a brand rename reaches the active page while a newer version is ingested but not sliced, or sliced without cutover, and that version too', async () => {
    expect((await put(api, 'brand', 'JB', 1, brandDoc('JB', 'Acme'))).status).toBe(201);
    expect((await slice(api, { entityType: 'brand', entityId: 'JB', version: 1, mode: 'FULL' })).status).toBe(200);
    // JA: v1 active, v2 ingested only. JC: v1 active, v2 sliced with cutover: false.
    for (const sku of ['JA', 'JC']) {
      expect((await put(api, 'product', sku, 1, productDoc(sku, 'JB'))).status).toBe(201);
      expect((await slice(api, { entityType: 'product', entityId: sku, version: 1, mode: 'INCREMENTAL' })).status).toBe(200);
      expect((await put(api, 'product', sku, 2, productDoc(sku, 'JB', { price: 2000 }))).status).toBe(201);
    }
    const noCutover = await slice(api, { entityType: 'product', entityId: 'JC', version: 2, mode: 'INCREMENTAL', cutover: false });
    expect(noCutover.body).toMatchObject({ cutover: false, slicedVersion: 2, activeVersion: 1 });
    for (const sku of ['JA', 'JC']) expect(statusAndBody(await view(api, sku))).toEqual(page(sku, 'JB', 1, { brand_name: 'Acme' }));

    expect((await put(api, 'brand', 'JB', 2, brandDoc('JB', 'Acme Corp'))).status).toBe(201);
    const rename = await slice(api, { entityType: 'brand', entityId: 'JB', version: 2, mode: 'INCREMENTAL' });
    expect(statusAndBody(rename)).toEqual({
      status: 200,
      body: sliceReport({
        entityKey: 'brand#JB',
        version: 2,
        mode: 'INCREMENTAL',
        fromVersion: 1,
        written: ['BRAND_CORE'],
        fanout: ['product#JA', 'product#JC'],
        fanoutBatches: 1,
      }),
    });
    // What readers get by default (the active version 1) follows the rename in both cases.
    for (const sku of ['JA', 'JC']) expect(statusAndBody(await view(api, sku))).toEqual(page(sku, 'JB', 1, { brand_name: 'Acme Corp' }));

    // And so does version 2 once it is sliced (JA) or cut over (JC).
    for (const sku of ['JA', 'JC']) {
      const cutover = await slice(api, { entityType: 'product', entityId: sku, version: 2, mode: 'INCREMENTAL' });
      expect(cutover.body).toMatchObject({ version: 2, fromVersion: 1, cutover: true, activeVersion: 2 });
      expect(statusAndBody(await view(api, sku))).toEqual(page(sku, 'JB', 2, { brand_name: 'Acme Corp', price: 2000 }));
    }
  });
});

describe('version regression holds under concurrency', () => {
  // The first write of product#RX version 3 is held until the test lets it go.
  const hold = holdFirst(writeConcerning(`${TENANT}#product#RX`, 3));
  const api = useTestApi({ clientHook: hold.clientHook });

  it('an insert of v3 whose write lands after v5 was acknowledged answers 409 VERSION_REGRESSION and stores nothing', async () => {
    expect((await put(api, 'product', 'RX', 1, productDoc('RX', 'RB'))).status).toBe(201);
    const v3 = put(api, 'product', 'RX', 3, productDoc('RX', 'RB', { price: 3000 }));
    try {
      // The insert of v3 has passed every check it makes before writing, and its first write waits.
      const answeredFirst = v3.then((answer) => Promise.reject(new Error(`PUT v3 answered ${answer.status} before any write of it was held`)));
      answeredFirst.catch(() => undefined);
      await Promise.race([hold.held, answeredFirst]);
      const v5 = await put(api, 'product', 'RX', 5, productDoc('RX', 'RB', { price: 5000 }));
      expect(v5.status).toBe(201);
    } finally {
      hold.release();
    }
    expect(statusAndBody(await v3)).toEqual({
      status: 409,
      body: { error: { code: 'VERSION_REGRESSION', message: 'product#RX version 3 is not greater than the latest version 5', details: [] } },
    });
    expect(statusAndBody(await api.request('GET', rawPath('product', 'RX', 3)))).toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'product#RX version 3 was not found', details: [] } },
    });
    expect(statusAndBody(await api.request('GET', rawPath('product', 'RX', 'latest')))).toEqual({
      status: 200,
      body: { entityKey: 'product#RX', version: 5, hash: expect.any(String), deleted: false, data: productDoc('RX', 'RB', { price: 5000 }) },
    });
  });
});
