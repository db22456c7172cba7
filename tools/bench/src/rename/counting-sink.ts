/**
 * The bench's `opensearch` sink: in memory, so the sink's own cost is left out and the ship path's
 * is isolated. It applies operations as OpenSearch with external versions does (per document the
 * highest revision wins; a lower or equal one is `stale`), and counts what OpenSearch would be sent:
 * `apply` calls (one bulk request each), operations, document bytes, and the bytes of the bulk
 * body those operations make — an action line (`_id`, `version` = revision, `version_type:
 * external_gte`) and a source line each, newline-delimited — so bulk sizing can be worked out.
 */
import type { JsonObject, SinkContract, SinkItemOutcome, SinkOperation, SinkPlugin } from '@ivm/domain';

export interface SinkCounts {
  calls: number;
  operations: number;
  upserts: number;
  deletes: number;
  applied: number;
  stale: number;
  /** UTF-8 bytes of the shipped documents' JSON. */
  documentBytes: number;
  /** UTF-8 bytes of the NDJSON bulk bodies (action + source lines). */
  bulkBytes: number;
  maxOperationsPerCall: number;
  maxBulkBytesPerCall: number;
}

const zero = (): SinkCounts => ({
  calls: 0,
  operations: 0,
  upserts: 0,
  deletes: 0,
  applied: 0,
  stale: 0,
  documentBytes: 0,
  bulkBytes: 0,
  maxOperationsPerCall: 0,
  maxBulkBytesPerCall: 0,
});

export class CountingSink implements SinkPlugin {
  private readonly held = new Map<string, { readonly revision: number; readonly document: JsonObject | null }>();
  private counts = zero();

  constructor(readonly type: string) {}

  async apply(sink: SinkContract, _tenantId: string, operations: readonly SinkOperation[]): Promise<readonly SinkItemOutcome[]> {
    await Promise.resolve();
    const index = 'index' in sink.target ? sink.target.index : sink.id;
    let bulk = 0;
    const outcomes = operations.map((operation): SinkItemOutcome => {
      const action = JSON.stringify({ index: { _index: index, _id: operation.docId, version: operation.revision, version_type: 'external_gte' } });
      // A delete is written as a versioned tombstone document (the design of the OpenSearch sink).
      const source = JSON.stringify(operation.kind === 'upsert' ? operation.document : { deleted: true, version: operation.version });
      const documentBytes = Buffer.byteLength(source);
      bulk += Buffer.byteLength(action) + documentBytes + 2;
      this.counts.documentBytes += documentBytes;
      if (operation.kind === 'upsert') this.counts.upserts++;
      else this.counts.deletes++;
      const current = this.held.get(operation.docId);
      if (current !== undefined && current.revision >= operation.revision) {
        this.counts.stale++;
        return { docId: operation.docId, status: 'stale' };
      }
      this.held.set(operation.docId, { revision: operation.revision, document: operation.kind === 'upsert' ? operation.document : null });
      this.counts.applied++;
      return { docId: operation.docId, status: 'applied' };
    });
    this.counts.calls++;
    this.counts.operations += operations.length;
    this.counts.bulkBytes += bulk;
    this.counts.maxOperationsPerCall = Math.max(this.counts.maxOperationsPerCall, operations.length);
    this.counts.maxBulkBytesPerCall = Math.max(this.counts.maxBulkBytesPerCall, bulk);
    return outcomes;
  }

  /** The document held under a doc id (null: deleted; undefined: never shipped) and its revision. */
  document(docId: string): { readonly revision: number; readonly document: JsonObject | null } | undefined {
    return this.held.get(docId);
  }

  /** The counts since the last take, and a fresh start. */
  take(): SinkCounts {
    const counts = this.counts;
    this.counts = zero();
    return counts;
  }
}
