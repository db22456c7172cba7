import { brandDoc, OTHER_KEY, OTHER_TENANT, rawPath, TENANT } from './testing/http-harness';
import { useTestApi } from './testing/use-test-api';

const api = useTestApi({ bodyLimitBytes: 4096 });

interface Envelope {
  error: { code: string; message: string; details: { path: string; message: string }[] };
}

/** Asserts the status and the full envelope shape; returns the error. */
function expectError(answer: { status: number; body: unknown }, status: number, code: string): Envelope['error'] {
  expect({ status: answer.status, code: (answer.body as Envelope | undefined)?.error?.code }).toEqual({ status, code });
  const { error } = answer.body as Envelope;
  expect(typeof error.message).toBe('string');
  expect(Array.isArray(error.details)).toBe(true);
  return error;
}

async function expectNothingStored(entityType: string, entityId: string): Promise<void> {
  expect((await api.request('GET', rawPath(entityType, entityId, 'latest'))).status).toBe(404);
}

describe('bad input answers a clear 4xx envelope and stores nothing', () => {
  it('malformed JSON → 400 INVALID_JSON', async () => {
    expectError(await api.request('PUT', rawPath('brand', 'J1', 1), { raw: '{"brand_id": "J1", "name": ' }), 400, 'INVALID_JSON');
    expectError(await api.request('PUT', rawPath('brand', 'J1', 1), { raw: '' }), 400, 'INVALID_JSON');
    expectError(await api.request('PUT', rawPath('brand', 'J1', 1), { raw: '{"__proto__": {"x": 1}, "brand_id": "J1", "name": "a"}' }), 400, 'INVALID_JSON');
    await expectNothingStored('brand', 'J1');
  });

  it('a body that is not an object → 400 INVALID_REQUEST naming /body', async () => {
    for (const body of [[], 'text', 42, null]) {
      const error = expectError(await api.request('PUT', rawPath('brand', 'J2', 1), { raw: JSON.stringify(body) }), 400, 'INVALID_REQUEST');
      expect(error.details).toEqual([{ path: '/body', message: 'must be object' }]);
    }
    expectError(await api.request('PUT', rawPath('brand', 'J2', 1)), 400, 'INVALID_REQUEST');
    await expectNothingStored('brand', 'J2');
  });

  it('another media type → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    expectError(
      await api.request('PUT', rawPath('brand', 'J3', 1), { raw: 'brand_id=J3', contentType: 'application/x-www-form-urlencoded' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectError(await api.request('PUT', rawPath('brand', 'J3', 1), { raw: 'hello', contentType: 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectNothingStored('brand', 'J3');
  });

  it('a body over the limit → 413 PAYLOAD_TOO_LARGE', async () => {
    expectError(await api.request('PUT', rawPath('brand', 'J4', 1), { body: brandDoc('J4', 'x'.repeat(5000)) }), 413, 'PAYLOAD_TOO_LARGE');
    await expectNothingStored('brand', 'J4');
  });

  it('wrong types and schema violations → 422 SCHEMA_VIOLATION with every path', async () => {
    const error = expectError(
      await api.request('PUT', rawPath('brand', 'J5', 1), { body: { brand_id: 'J5', name: 12, color: 'red' } }),
      422,
      'SCHEMA_VIOLATION',
    );
    expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/name' }), expect.objectContaining({ path: '/color' })]));
    await expectNothingStored('brand', 'J5');
  });

  it.each([
    ['not a number', 'abc'],
    ['fractional', '1.5'],
    ['negative', '-1'],
    ['zero', '0'],
    ['leading zero', '01'],
    ['huge', '9'.repeat(30)],
  ])('a %s version in the path → 400 naming /params/version', async (_what, version) => {
    const error = expectError(await api.request('PUT', rawPath('brand', 'J6', version), { body: brandDoc('J6', 'x') }), 400, 'INVALID_REQUEST');
    expect(error.details.map((d) => d.path)).toEqual(['/params/version']);
    expectError(await api.request('DELETE', rawPath('brand', 'J6', version)), 400, 'INVALID_REQUEST');
    expectError(await api.request('GET', rawPath('brand', 'J6', version)), 400, 'INVALID_REQUEST');
    await expectNothingStored('brand', 'J6');
  });

  it('latest is for reads only', async () => {
    expectError(await api.request('PUT', rawPath('brand', 'J7', 'latest'), { body: brandDoc('J7', 'x') }), 400, 'INVALID_REQUEST');
    expectError(await api.request('DELETE', rawPath('brand', 'J7', 'latest')), 400, 'INVALID_REQUEST');
  });

  it('a version past the safe integer range → 400 INVALID_VERSION', async () => {
    expectError(await api.request('PUT', rawPath('brand', 'J8', '9999999999999999'), { body: brandDoc('J8', 'x') }), 400, 'INVALID_VERSION');
    await expectNothingStored('brand', 'J8');
  });

  it("an invalid entity id → 400 INVALID_KEY; a malformed tenant is never the key's → 403", async () => {
    expectError(await api.request('PUT', rawPath('brand', 'J9', 1, 'Bad%20Tenant'), { body: brandDoc('J9', 'x') }), 403, 'FORBIDDEN');
    expectError(await api.request('PUT', rawPath('brand', '%20J9', 1), { body: brandDoc(' J9', 'x') }), 400, 'INVALID_KEY');
  });

  it('wrong body types for POST bodies → 400 INVALID_REQUEST naming each path', async () => {
    const error = expectError(
      await api.request('POST', `/v1/tenants/${TENANT}/slicing`, {
        body: { entityType: 'brand', entityId: 7, version: '1', mode: 'SOME', cutover: 'yes', extra: 1 },
      }),
      400,
      'INVALID_REQUEST',
    );
    expect(error.details.map((d) => d.path).sort()).toEqual(['/body/cutover', '/body/entityId', '/body/extra', '/body/mode', '/body/version']);
    const missing = expectError(await api.request('POST', `/v1/tenants/${TENANT}/changesets`, { body: { entityType: 'brand' } }), 400, 'INVALID_REQUEST');
    expect(missing.details.map((d) => d.path).sort()).toEqual(['/body/entityId', '/body/fromVersion', '/body/toVersion']);
  });

  it('a bad ?version= → 400, an unknown query parameter → 400', async () => {
    expectError(await api.request('GET', `/v1/tenants/${TENANT}/slices/brand/J1?version=0`), 400, 'INVALID_REQUEST');
    expectError(await api.request('GET', `/v1/tenants/${TENANT}/views/product-detail/J1?version=x`), 400, 'INVALID_REQUEST');
    expectError(await api.request('GET', `/v1/tenants/${TENANT}/views/product-detail/J1?versoin=1`), 400, 'INVALID_REQUEST');
  });

  it('an unknown route → 404 NOT_FOUND', async () => {
    expectError(await api.request('GET', '/v1/nowhere'), 404, 'NOT_FOUND');
    expectError(await api.request('POST', '/healthz', { body: {} }), 404, 'NOT_FOUND');
  });
});

describe('authentication and tenancy', () => {
  it('no key → 401 UNAUTHENTICATED, before anything else is looked at', async () => {
    expectError(await api.request('PUT', rawPath('brand', 'A1', 1), { body: brandDoc('A1', 'x'), key: null }), 401, 'UNAUTHENTICATED');
    expectError(await api.request('PUT', rawPath('brand', 'A1', 1), { raw: '{nope', key: null }), 401, 'UNAUTHENTICATED');
    expectError(await api.request('GET', '/v1/contracts', { key: null }), 401, 'UNAUTHENTICATED');
    await expectNothingStored('brand', 'A1');
  });

  it('an unknown key or another scheme → 401', async () => {
    expectError(await api.request('GET', rawPath('brand', 'A1', 1), { key: 'guess' }), 401, 'UNAUTHENTICATED');
    const basic = await fetch(`${api.url}/v1/contracts`, { headers: { authorization: 'Basic YWNtZTprZXk=' } });
    expect(basic.status).toBe(401);
  });

  it('tenants do not see each other’s data', async () => {
    expect((await api.request('PUT', rawPath('brand', 'A3', 1), { body: brandDoc('A3', 'Mine') })).status).toBe(201);
    expect((await api.request('GET', rawPath('brand', 'A3', 1, OTHER_TENANT), { key: OTHER_KEY })).status).toBe(404);
  });

  it('health, readiness, metrics and the OpenAPI document need no key', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json'])
      expect([path, (await api.request('GET', path, { key: null })).status]).toEqual([path, 200]);
  });
});
