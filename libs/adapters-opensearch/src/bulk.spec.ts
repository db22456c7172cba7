import type { SinkOperation } from '@ivm/domain';
import { bulkOutcomes } from './bulk-outcomes';
import { bulkEntry, chunkEntries } from './bulk-request';

const upsert = (n: number, revision = 1): SinkOperation => ({
  kind: 'upsert',
  docId: `acme:P${n}`,
  entityKey: `product#P${n}`,
  version: 1,
  revision,
  document: { sku: `P${n}` },
});
const remove = (n: number, revision = 2): SinkOperation => ({ kind: 'delete', docId: `acme:P${n}`, entityKey: `product#P${n}`, version: 1, revision });

describe('bulk entries', () => {
  it('versions upserts and deletes alike by revision, as external_gte index actions; a delete is a tombstone', () => {
    expect(bulkEntry('products-ivm', 'acme', upsert(1, 7), 0)).toMatchObject({
      action: { index: { _index: 'products-ivm', _id: 'acme:P1', version: 7, version_type: 'external_gte' } },
      source: { sku: 'P1', ivm: { tenantId: 'acme', entityKey: 'product#P1', version: 1, revision: 7, deleted: false } },
    });
    expect(bulkEntry('products-ivm', 'acme', remove(1, 8), 0)).toMatchObject({
      action: { index: { _id: 'acme:P1', version: 8, version_type: 'external_gte' } },
      source: { ivm: { revision: 8, deleted: true } },
    });
  });

  it('cuts requests by count and by bytes, in order; an entry larger than the limit goes alone', () => {
    const entries = [1, 2, 3, 4, 5].map((n) => bulkEntry('i', 't', upsert(n), n));
    expect(chunkEntries(entries, { maxDocuments: 2, maxBytes: 1e9 }).map((c) => c.map((e) => e.position))).toEqual([[1, 2], [3, 4], [5]]);
    const size = entries[0]?.bytes ?? 0;
    expect(chunkEntries(entries, { maxDocuments: 100, maxBytes: size * 3 }).map((c) => c.length)).toEqual([3, 2]);
    expect(chunkEntries(entries, { maxDocuments: 100, maxBytes: 1 }).map((c) => c.length)).toEqual([1, 1, 1, 1, 1]);
  });
});

describe('bulk outcomes, read in order from the response', () => {
  const entries = [upsert(1), remove(2), upsert(3), upsert(4), upsert(5)].map((op, i) => bulkEntry('i', 'acme', op, i));
  const item = (id: string, status: number, error?: { type: string; reason: string }) => ({
    index: { _index: 'i', _id: id, status, ...(error ? { error } : {}) },
  });

  it('maps 2xx to applied, 409 to stale, 429 and 5xx to retry, other errors to rejected with their reason', () => {
    const body = {
      errors: true,
      items: [
        item('acme:P1', 201),
        item('acme:P2', 409, { type: 'version_conflict_engine_exception', reason: 'current version [9] is higher than the one provided [2]' }),
        item('acme:P3', 429, { type: 'es_rejected_execution_exception', reason: 'rejected execution' }),
        item('acme:P4', 503, { type: 'unavailable_shards_exception', reason: 'primary shard is not active' }),
        item('acme:P5', 400, { type: 'mapper_parsing_exception', reason: 'failed to parse field [price] of type [long]' }),
      ],
    };
    expect(bulkOutcomes(entries, body)).toEqual([
      { docId: 'acme:P1', status: 'applied' },
      { docId: 'acme:P2', status: 'stale', reason: expect.stringContaining('version_conflict_engine_exception') },
      { docId: 'acme:P3', status: 'retry', reason: expect.stringContaining('HTTP 429') },
      { docId: 'acme:P4', status: 'retry', reason: expect.stringContaining('HTTP 503') },
      { docId: 'acme:P5', status: 'rejected', reason: 'HTTP 400 mapper_parsing_exception: failed to parse field [price] of type [long]' },
    ]);
  });

  it('retries every entry when the response does not answer each one, in order, by id', () => {
    const answers = entries.map((e) => item(e.docId, 201));
    for (const body of [
      { items: answers.slice(1) },
      { items: [answers[1], answers[0], ...answers.slice(2)] },
      { items: [{ index: {}, delete: {} }, ...answers.slice(1)] },
      {},
      null,
    ]) {
      const outcomes = bulkOutcomes(entries, body);
      expect(outcomes.map((o) => o.status)).toEqual(['retry', 'retry', 'retry', 'retry', 'retry']);
    }
  });
});
