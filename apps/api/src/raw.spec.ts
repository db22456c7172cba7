import { brandDoc, productDoc, rawPath } from './testing/http-harness';
import { useTestApi } from './testing/use-test-api';

const api = useTestApi();

describe('PUT/GET/DELETE raw versions', () => {
  it('stores a new version (201), replays it (200), reads it by version and as latest', async () => {
    const put = await api.request('PUT', rawPath('brand', 'R1', 1), { body: brandDoc('R1', 'Acme') });
    expect(put.status).toBe(201);
    const stored = { entityKey: 'brand#R1', version: 1, hash: expect.any(String), deleted: false, data: { brand_id: 'R1', name: 'Acme' } };
    expect(put.body).toEqual({ ...stored, created: true });
    const replay = await api.request('PUT', rawPath('brand', 'R1', 1), { body: { name: 'Acme', brand_id: 'R1' } });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ ...stored, hash: (put.body as { hash: string }).hash, created: false });

    const read = await api.request('GET', rawPath('brand', 'R1', 1));
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      entityKey: 'brand#R1',
      version: 1,
      hash: (put.body as { hash: string }).hash,
      deleted: false,
      data: { brand_id: 'R1', name: 'Acme' },
    });
    expect((await api.request('PUT', rawPath('brand', 'R1', 3), { body: brandDoc('R1', 'Acme 3') })).status).toBe(201);
    expect((await api.request('GET', rawPath('brand', 'R1', 'latest'))).body).toEqual({
      entityKey: 'brand#R1',
      version: 3,
      hash: expect.any(String),
      deleted: false,
      data: { brand_id: 'R1', name: 'Acme 3' },
    });
  });

  it('answers 409 VERSION_CONFLICT for the same version with other content, and stores nothing', async () => {
    await api.request('PUT', rawPath('brand', 'R2', 1), { body: brandDoc('R2', 'First') });
    const conflict = await api.request('PUT', rawPath('brand', 'R2', 1), { body: brandDoc('R2', 'Second') });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toEqual({ error: { code: 'VERSION_CONFLICT', message: expect.any(String), details: [] } });
    expect((await api.request('GET', rawPath('brand', 'R2', 1))).body).toEqual({
      entityKey: 'brand#R2',
      version: 1,
      hash: expect.any(String),
      deleted: false,
      data: { brand_id: 'R2', name: 'First' },
    });
  });

  it('answers 409 VERSION_REGRESSION for an older version, and stores nothing', async () => {
    await api.request('PUT', rawPath('brand', 'R3', 5), { body: brandDoc('R3', 'Five') });
    const older = await api.request('PUT', rawPath('brand', 'R3', 4), { body: brandDoc('R3', 'Four') });
    expect(older.status).toBe(409);
    expect(older.body).toMatchObject({ error: { code: 'VERSION_REGRESSION' } });
    expect((await api.request('GET', rawPath('brand', 'R3', 4))).status).toBe(404);
  });

  it('answers 422 SCHEMA_VIOLATION naming every path, and stores nothing', async () => {
    const bad = await api.request('PUT', rawPath('product', 'S1', 1), { body: { ...productDoc('S1', 'B1'), price: -5, currency: 7, extra: true } });
    expect(bad.status).toBe(422);
    const error = (bad.body as { error: { code: string; details: { path: string }[] } }).error;
    expect(error.code).toBe('SCHEMA_VIOLATION');
    expect(error.details.map((d) => d.path)).toEqual(expect.arrayContaining(['/price', '/currency']));
    const missing = await api.request('PUT', rawPath('product', 'S1', 1), { body: { sku: 'S1' } });
    expect(missing.status).toBe(422);
    expect((missing.body as { error: { details: { path: string }[] } }).error.details.map((d) => d.path)).toEqual(expect.arrayContaining(['/name', '/price']));
    expect((await api.request('GET', rawPath('product', 'S1', 'latest'))).status).toBe(404);
  });

  it('answers 422 with the domain code when the id field differs from the path id', async () => {
    const bad = await api.request('PUT', rawPath('brand', 'R4', 1), { body: brandDoc('OTHER', 'Acme') });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ error: { code: expect.stringMatching(/^(ENTITY_ID_MISMATCH|SCHEMA_VIOLATION)$/), details: [{ path: '/brand_id' }] } });
    expect((await api.request('GET', rawPath('brand', 'R4', 'latest'))).status).toBe(404);
  });

  it('answers 404 UNKNOWN_ENTITY_TYPE for a type no contract declares', async () => {
    for (const method of ['PUT', 'GET', 'DELETE']) {
      const answer = await api.request(method, rawPath('shoe', 'X1', 1), method === 'PUT' ? { body: { id: 'X1' } } : {});
      expect([method, answer.status, answer.body]).toEqual([method, 404, { error: expect.objectContaining({ code: 'UNKNOWN_ENTITY_TYPE' }) }]);
    }
  });

  it('answers 404 NOT_FOUND for a missing version or entity', async () => {
    expect((await api.request('GET', rawPath('brand', 'NOPE', 1))).body).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await api.request('GET', rawPath('brand', 'NOPE', 'latest'))).status).toBe(404);
  });

  it('records a deletion as a tombstone: 201, replay 200, conflicts 409, nothing to delete 404', async () => {
    await api.request('PUT', rawPath('brand', 'R5', 1), { body: brandDoc('R5', 'Doomed') });
    const deletion = await api.request('DELETE', rawPath('brand', 'R5', 2));
    expect(deletion.status).toBe(201);
    const tombstone = { entityKey: 'brand#R5', version: 2, hash: expect.any(String), deleted: true, data: null };
    expect(deletion.body).toEqual({ ...tombstone, created: true });
    const replay = await api.request('DELETE', rawPath('brand', 'R5', 2));
    expect([replay.status, replay.body]).toEqual([200, { ...tombstone, created: false }]);
    expect((await api.request('DELETE', rawPath('brand', 'R5', 1))).body).toMatchObject({ error: { code: 'VERSION_CONFLICT' } });
    expect((await api.request('DELETE', rawPath('brand', 'R5', 3))).status).toBe(404);
    expect((await api.request('DELETE', rawPath('brand', 'NEVER', 1))).body).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await api.request('GET', rawPath('brand', 'R5', 'latest'))).body).toEqual(tombstone);
    expect((await api.request('GET', rawPath('brand', 'R5', 3))).status).toBe(404);
  });
});
