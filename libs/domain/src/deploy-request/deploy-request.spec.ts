import { sampleRegistry } from '../../testing/sample-contracts';
import {
  EntityIdMismatchError,
  InvalidDeployRequestError,
  NotFoundError,
  SchemaViolationError,
  UnknownEntityTypeError,
  VersionConflictError,
  VersionRegressionError,
} from '../errors';
import type { EntityHead, RawRecord } from '../ports/records';
import { checkOlderVersion, parseDeployRequest, precheckRecords, MAX_DEPLOY_RECORDS } from './deploy-request';

const registry = sampleRegistry();
const brand = (id: string, name: string, version = 1) => ({ entityType: 'brand', entityId: id, version, data: { brand_id: id, name } });

function problems(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return { name: (error as Error).name, details: (error as { details: unknown }).details };
  }
  throw new Error('expected a throw');
}

describe('parseDeployRequest', () => {
  it('builds every record canonically, with the API defaults for the axes', () => {
    const request = parseDeployRequest(registry, 'demo', {
      records: [brand('B1', 'Acme'), { entityType: 'brand', entityId: 'B1', version: 2, deleted: true }],
    });
    expect(request.axes).toEqual({ compile: 'sync', ship: null, cutover: 'ready' });
    expect(request.records.map((r) => [r.entityKey, r.version, r.deleted])).toEqual([
      ['brand#B1', 1, false],
      ['brand#B1', 2, true],
    ]);
  });

  it('hashes the same content the same whatever the key order, and different content differently', () => {
    const a = parseDeployRequest(registry, 'demo', { records: [brand('B1', 'Acme')], cutover: 'ready' });
    const b = parseDeployRequest(registry, 'demo', {
      cutover: 'ready',
      records: [{ version: 1, data: { name: 'Acme', brand_id: 'B1' }, entityId: 'B1', entityType: 'brand' }],
    });
    const c = parseDeployRequest(registry, 'demo', { records: [brand('B1', 'Acme')], cutover: 'done' });
    expect(a.requestHash).toBe(b.requestHash);
    expect(c.requestHash).not.toBe(a.requestHash);
  });

  it('reports every shape problem at once, with paths', () => {
    expect(
      problems(() => parseDeployRequest(registry, 'demo', { records: [{ entityType: 'brand', version: 0, data: {}, deleted: true }, 7], extra: 1 })),
    ).toEqual({
      name: 'InvalidDeployRequestError',
      details: [
        { path: '/extra', message: expect.any(String) },
        { path: '/records/0/entityId', message: 'must be a non-empty string' },
        { path: '/records/0/version', message: 'must be an integer ≥ 1' },
        { path: '/records/0/data', message: 'a deletion carries no data' },
        { path: '/records/1', message: expect.any(String) },
      ],
    });
    expect(() => parseDeployRequest(registry, 'demo', { records: [] })).toThrow(InvalidDeployRequestError);
    expect(() => parseDeployRequest(registry, 'demo', { records: Array.from({ length: MAX_DEPLOY_RECORDS + 1 }, (_, i) => brand(`B${i}`, 'x')) })).toThrow(
      InvalidDeployRequestError,
    );
  });

  it('reports the schema problems of every record under its /records/i/data path', () => {
    expect(
      problems(() =>
        parseDeployRequest(registry, 'demo', {
          records: [
            { entityType: 'brand', entityId: 'B1', version: 1, data: { brand_id: 'B1' } },
            brand('B2', 'ok'),
            { entityType: 'brand', entityId: 'B3', version: 1, data: { brand_id: 'B3', name: 5 } },
          ],
        }),
      ),
    ).toEqual({
      name: 'SchemaViolationError',
      details: [
        { path: '/records/0/data/name', message: expect.any(String) },
        { path: '/records/2/data/name', message: expect.any(String) },
      ],
    });
    expect(() => parseDeployRequest(registry, 'demo', { records: [{ entityType: 'brand', entityId: 'B1', version: 1, data: { brand_id: 'B1' } }] })).toThrow(
      SchemaViolationError,
    );
  });

  it('names the record of an unknown entity type or a mismatched id', () => {
    expect(() => parseDeployRequest(registry, 'demo', { records: [brand('B1', 'x'), { entityType: 'shoe', entityId: 'S', version: 1, data: {} }] })).toThrow(
      UnknownEntityTypeError,
    );
    expect(() => parseDeployRequest(registry, 'demo', { records: [{ ...brand('B1', 'x'), entityId: 'B2' }] })).toThrow(
      /records\[0\].*EntityIdMismatch|records\[0\]/,
    );
    expect(() => parseDeployRequest(registry, 'demo', { records: [{ ...brand('B1', 'x'), entityId: 'B2' }] })).toThrow(EntityIdMismatchError);
  });

  it('refuses versions of one entity that do not go up in request order', () => {
    expect(problems(() => parseDeployRequest(registry, 'demo', { records: [brand('B1', 'a', 2), brand('B1', 'b', 2)] }))).toEqual({
      name: 'InvalidDeployRequestError',
      details: [{ path: '/records/1/version', message: expect.stringContaining('must go up') }],
    });
  });

  it('refuses the forbidden axes combination', () => {
    expect(() => parseDeployRequest(registry, 'demo', { records: [brand('B1', 'a')], compile: 'async', ship: { mode: 'sync', sinks: ['s'] } })).toThrow(
      expect.objectContaining({ code: 'ILLEGAL_DEPLOY_COMBINATION' }),
    );
  });
});

describe('precheckRecords', () => {
  const records = (body: unknown[]) => parseDeployRequest(registry, 'demo', { records: body }).records;
  const head = (version: number, name: string | null): EntityHead => {
    const record = records([name === null ? { entityType: 'brand', entityId: 'B1', version, deleted: true } : brand('B1', name, version)]);
    return { tenantId: 'demo', entityKey: 'brand#B1', latest: record[0] as RawRecord, revision: 3 };
  };

  it('passes new versions and identical replays of the newest, and names older versions to read', () => {
    const heads = new Map([['brand#B1', head(2, 'Acme')]]);
    expect(precheckRecords(records([brand('B1', 'Acme', 2), brand('B1', 'New', 3)]), heads)).toEqual([]);
    expect(precheckRecords(records([brand('B1', 'Old', 1)]), heads).map((r) => r.version)).toEqual([1]);
  });

  it('refuses other content at the newest version and a deletion of nothing live', () => {
    expect(() => precheckRecords(records([brand('B1', 'Other', 2)]), new Map([['brand#B1', head(2, 'Acme')]]))).toThrow(VersionConflictError);
    expect(() =>
      precheckRecords(records([{ entityType: 'brand', entityId: 'B1', version: 3, deleted: true }]), new Map([['brand#B1', head(2, null)]])),
    ).toThrow(NotFoundError);
    expect(() => precheckRecords(records([{ entityType: 'brand', entityId: 'B9', version: 1, deleted: true }]), new Map())).toThrow(NotFoundError);
  });

  it('checks an older version against what is stored there', () => {
    const old = records([brand('B1', 'Old', 1)])[0] as RawRecord;
    expect(() => checkOlderVersion(old, old, 2)).not.toThrow();
    expect(() => checkOlderVersion(old, undefined, 2)).toThrow(VersionRegressionError);
    expect(() => checkOlderVersion(old, { ...old, hash: 'other' }, 2)).toThrow(VersionConflictError);
  });
});
