import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { tableNames } from '@ivm/adapters-dynamodb';
import { classify } from '@ivm/domain';
import pino from 'pino';
import { contractsVariant } from './testing/contracts-variant';
import { brandDoc, productDoc, rawPath, type TestApi, TENANT } from './testing/http-harness';
import { useTestApi } from './testing/use-test-api';
import { sliceReport, statusAndBody } from './testing/answers';

/**
 * SPEC §12 contract upgrades (two servers of different contract versions over one DynamoDB, as
 * during a redeploy) and store items the earlier engine (commit 7641d36) mishandled. Each test
 * fails on that engine's behaviour.
 */

const base = `/v1/tenants/${TENANT}`;
const put = (api: TestApi, entityType: string, id: string, version: number, body: unknown) => api.request('PUT', rawPath(entityType, id, version), { body });
const slice = (api: TestApi, body: Record<string, unknown>) => api.request('POST', `${base}/slicing`, { body });

const effective = (version: number, data: Record<string, unknown>) => ({ version, hash: expect.any(String), data, tombstone: false });

/** The product RuleSet at 1.1.0, nothing else changed. */
const BUMP = ['\nversion: 1.0.0\n', '\nversion: 1.1.0\n'] as const;

describe('a compatible RuleSet bump, redeployed over the same DynamoDB', () => {
  const bumped = contractsVariant({ 'rulesets/product.yaml': [BUMP] });
  afterAll(() => bumped.remove());
  const before = useTestApi();
  const after = useTestApi({ contractsDir: bumped.dir, shareStoreWith: before });

  it('re-running an INCREMENTAL slicing over change sets stored under the old RuleSet answers 200', async () => {
    expect((await after.request('GET', '/v1/contracts')).body).toContainEqual({ kind: 'RuleSet', id: 'product', version: '1.1.0' });
    expect((await put(before, 'product', 'U1', 1, productDoc('U1', 'UB'))).status).toBe(201);
    expect((await put(before, 'product', 'U1', 2, productDoc('U1', 'UB', { price: 2000 }))).status).toBe(201);
    expect((await slice(before, { entityType: 'product', entityId: 'U1', version: 1, mode: 'INCREMENTAL' })).status).toBe(200);
    const v2 = { entityType: 'product', entityId: 'U1', version: 2, mode: 'INCREMENTAL' };
    expect(statusAndBody(await slice(before, v2))).toEqual({
      status: 200,
      body: sliceReport({ entityKey: 'product#U1', version: 2, mode: 'INCREMENTAL', fromVersion: 1, written: ['PRODUCT_PRICE'] }),
    });

    // The redeployed server re-runs it: the change set 1→2 stored under RuleSet 1.0.0 does not stand in its way.
    const replay = sliceReport({ entityKey: 'product#U1', version: 2, mode: 'INCREMENTAL', fromVersion: 1, unchanged: ['PRODUCT_PRICE'] });
    expect(statusAndBody(await slice(after, v2))).toEqual({ status: 200, body: replay });
    // Both code versions keep answering side by side, each with the change set of its own contracts.
    expect(statusAndBody(await slice(before, v2))).toEqual({ status: 200, body: replay });
    const changeSet = { entityType: 'product', entityId: 'U1', fromVersion: 1, toVersion: 2 };
    const old = await before.request('POST', `${base}/changesets`, { body: changeSet });
    const now = await after.request('POST', `${base}/changesets`, { body: changeSet });
    const stored = {
      entityKey: 'product#U1',
      fromVersion: 1,
      toVersion: 2,
      hash: expect.any(String),
      changes: [{ op: 'replace', path: '/price', before: 1000, after: 2000 }],
      created: false,
    };
    expect([statusAndBody(old), statusAndBody(now)]).toEqual([
      { status: 200, body: stored },
      { status: 200, body: stored },
    ]);
    expect((old.body as { hash: string }).hash).not.toBe((now.body as { hash: string }).hash);
  });
});

describe('a rolling deploy: two RuleSet versions slicing the same version side by side', () => {
  // RuleSet 1.1.0 projects the price into PRODUCT_CORE too (its ImpactMap says so; the view does not read it).
  const newer = contractsVariant({
    'rulesets/product.yaml': [
      BUMP,
      ['      attributes: /attributes\n', '      attributes: /attributes\n      price: /price\n'],
      ['{ path: /price, slices: [PRODUCT_PRICE] }', '{ path: /price, slices: [PRODUCT_PRICE, PRODUCT_CORE] }'],
    ],
  });
  afterAll(() => newer.remove());
  const oldApi = useTestApi();
  const newApi = useTestApi({ contractsDir: newer.dir, shareStoreWith: oldApi });

  it('the newer RuleSet’s slice wins and stays whichever server slices last; the older one answers superseded', async () => {
    expect((await put(oldApi, 'product', 'W1', 1, productDoc('W1', 'WB'))).status).toBe(201);
    const full = { entityType: 'product', entityId: 'W1', version: 1, mode: 'FULL' };
    const fromNew = { sku: 'W1', name: 'Product W1', status: 'ACTIVE', brand_id: 'WB', category_ids: ['C1'], price: 1000 };
    const slices = {
      version: 1,
      slices: {
        PRODUCT_BRAND_ENRICHED: effective(1, { sku: 'W1', brand_id: 'WB' }),
        PRODUCT_CORE: effective(1, fromNew),
        PRODUCT_PRICE: effective(1, { price: 1000, currency: 'KRW' }),
      },
    };
    expect((await slice(oldApi, full)).body).toMatchObject({ written: ['PRODUCT_CORE', 'PRODUCT_PRICE', 'PRODUCT_BRAND_ENRICHED'] });
    expect(statusAndBody(await slice(newApi, full))).toEqual({
      status: 200,
      body: sliceReport({
        entityKey: 'product#W1',
        version: 1,
        mode: 'FULL',
        written: ['PRODUCT_CORE'],
        unchanged: ['PRODUCT_PRICE', 'PRODUCT_BRAND_ENRICHED'],
      }),
    });
    for (let round = 1; round <= 2; round++) {
      expect(statusAndBody(await slice(oldApi, full))).toEqual({
        status: 200,
        body: sliceReport({
          entityKey: 'product#W1',
          version: 1,
          mode: 'FULL',
          superseded: ['PRODUCT_CORE'],
          unchanged: ['PRODUCT_PRICE', 'PRODUCT_BRAND_ENRICHED'],
        }),
      });
      for (const api of [oldApi, newApi]) expect(statusAndBody(await api.request('GET', `${base}/slices/product/W1`))).toEqual({ status: 200, body: slices });
      expect(statusAndBody(await slice(newApi, full))).toEqual({
        status: 200,
        body: sliceReport({ entityKey: 'product#W1', version: 1, mode: 'FULL', unchanged: ['PRODUCT_CORE', 'PRODUCT_PRICE', 'PRODUCT_BRAND_ENRICHED'] }),
      });
      for (const api of [oldApi, newApi]) expect(statusAndBody(await api.request('GET', `${base}/slices/product/W1`))).toEqual({ status: 200, body: slices });
    }
  });
});

describe('a corrupt store item', () => {
  // The errors the server logged as its own faults: the very objects its routes threw.
  const thrown: unknown[] = [];
  const logger = pino(
    {
      level: 'error',
      hooks: {
        logMethod(args, method) {
          const first: unknown = args[0];
          if (typeof first === 'object' && first !== null && 'err' in first) thrown.push(first.err);
          method.apply(this, args);
        },
      },
    },
    { write: () => undefined },
  );
  const api = useTestApi({ logger });

  it('answers 500 STORE_CORRUPT_ITEM with the generic message, and is an invariant violation, never retried', async () => {
    const tables = tableNames(api.tablePrefix);
    // A head item without its version (lv), and a raw record whose document is not JSON.
    await api.dynamo.client.send(
      new PutItemCommand({
        TableName: tables.heads,
        Item: { PK: { S: `${TENANT}#product#K1` }, tenantId: { S: TENANT }, entityKey: { S: 'product#K1' }, lh: { S: 'h' }, ld: { BOOL: false } },
      }),
    );
    expect((await put(api, 'brand', 'K2', 1, brandDoc('K2', 'Acme'))).status).toBe(201);
    await api.dynamo.client.send(
      new PutItemCommand({
        TableName: tables.raw,
        Item: {
          PK: { S: `${TENANT}#brand#K2` },
          SK: { N: '1' },
          tenantId: { S: TENANT },
          entityKey: { S: 'brand#K2' },
          hash: { S: 'h' },
          deleted: { BOOL: false },
          data: { S: '{"brand_id": "K2", "name": ' },
        },
      }),
    );

    const corrupt = { status: 500, body: { error: { code: 'STORE_CORRUPT_ITEM', message: 'The store holds an item this server cannot read', details: [] } } };
    thrown.length = 0;
    expect(statusAndBody(await api.request('GET', rawPath('product', 'K1', 'latest')))).toEqual(corrupt);
    expect(statusAndBody(await put(api, 'product', 'K1', 2, productDoc('K1', 'KB')))).toEqual(corrupt);
    expect(statusAndBody(await api.request('GET', rawPath('brand', 'K2', 1)))).toEqual(corrupt);
    expect(thrown.map((error) => [(error as { code?: unknown }).code, classify(error)])).toEqual([
      ['STORE_CORRUPT_ITEM', 'INVARIANT_VIOLATION'],
      ['STORE_CORRUPT_ITEM', 'INVARIANT_VIOLATION'],
      ['STORE_CORRUPT_ITEM', 'INVARIANT_VIOLATION'],
    ]);
  });
});

describe('a document too large for one store item', () => {
  // The sample brand schema caps name at 512 characters; this variant does not.
  const uncapped = contractsVariant({
    'schemas/brand.yaml': [['name: { type: string, minLength: 1, maxLength: 512 }', 'name: { type: string, minLength: 1 }']],
  });
  afterAll(() => uncapped.remove());
  const api = useTestApi({ contractsDir: uncapped.dir, bodyLimitBytes: 2 * 1024 * 1024 });

  it('answers 413 ITEM_TOO_LARGE naming the record and the limit, and stores nothing', async () => {
    const big = await put(api, 'brand', 'BIG', 1, brandDoc('BIG', 'x'.repeat(500_000)));
    expect(statusAndBody(big)).toEqual({
      status: 413,
      body: {
        error: {
          code: 'ITEM_TOO_LARGE',
          message: expect.stringMatching(/^brand#BIG version 1 \(\d+ bytes\) is over the store's limit of 409600 bytes per item$/),
          details: [{ path: 'brand#BIG version 1', message: expect.stringMatching(/^\d+ bytes > 409600 bytes$/) }],
        },
      },
    });
    for (const version of [1, 'latest'] as const) expect((await api.request('GET', rawPath('brand', 'BIG', version))).status).toBe(404);
    expect((await put(api, 'brand', 'BIG', 1, brandDoc('BIG', 'Big'))).status).toBe(201);
    expect((await api.request('GET', rawPath('brand', 'BIG', 'latest'))).body).toMatchObject({ version: 1, data: brandDoc('BIG', 'Big') });
  });
});
