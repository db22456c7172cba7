import { sampleRegistry } from '../../testing/sample-contracts';
import { sinkDocId, sinkOperation } from './sink-operations';
import { InvalidKeyError } from '../errors';

describe('sink operations', () => {
  const sink = sampleRegistry().sink('opensearch-products');

  it('derives the document id from the contract template, deterministically', () => {
    expect(sinkDocId(sink, 'demo', 'product#ABC-123')).toBe('demo:ABC-123');
    expect(sinkDocId({ ...sink, docId: '{entityKey}@{tenantId}/{entityType}' }, 't1', 'product#X')).toBe('product#X@t1/product');
  });

  it('ships a live entity as an upsert at its version and revision, and a deleted one as a delete', () => {
    expect(sinkOperation(sink, 'demo', { entityKey: 'product#P1', version: 3, revision: 7, document: { sku: 'P1' } })).toEqual({
      kind: 'upsert',
      docId: 'demo:P1',
      entityKey: 'product#P1',
      version: 3,
      revision: 7,
      document: { sku: 'P1' },
    });
    expect(sinkOperation(sink, 'demo', { entityKey: 'product#P1', version: 4, revision: 9, document: null })).toEqual({
      kind: 'delete',
      docId: 'demo:P1',
      entityKey: 'product#P1',
      version: 4,
      revision: 9,
    });
  });

  it('refuses a malformed entity key', () => {
    expect(() => sinkDocId(sink, 'demo', 'no-hash')).toThrow(InvalidKeyError);
  });
});
