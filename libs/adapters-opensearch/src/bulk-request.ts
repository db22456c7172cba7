import type { SinkOperation } from '@ivm/domain';
import { META_FIELD } from './index-definition';

/** One operation as the two NDJSON lines of a bulk request. */
export interface BulkEntry {
  /** Where the operation sits in the `apply` call, so outcomes go back in input order. */
  readonly position: number;
  readonly docId: string;
  readonly action: Record<string, unknown>;
  readonly source: Record<string, unknown>;
  /** The two lines' size in bytes, newlines included. */
  readonly bytes: number;
}

/**
 * The bulk entry of an operation. Upserts and deletes alike are `index` actions versioned by the
 * document's revision as `external_gte`: a replay of the same revision rewrites the same
 * document, an older one is refused as a version conflict. A delete writes a tombstone — a
 * document of metadata only, with `deleted: true` — rather than deleting: OpenSearch remembers a
 * real delete's version only for `index.gc_deletes` (60 s by default, and only in memory), after
 * which a late stale upsert would resurrect the document; a tombstone keeps its version for good.
 * Every action being `index` also keeps the bulk response's items one per entry, in order.
 */
export function bulkEntry(index: string, tenantId: string, operation: SinkOperation, position: number): BulkEntry {
  const { docId, entityKey, version, revision } = operation;
  const meta = { tenantId, entityKey, version, revision, deleted: operation.kind === 'delete' };
  const action = { index: { _index: index, _id: docId, version: revision, version_type: 'external_gte' } };
  const source = operation.kind === 'upsert' ? { ...operation.document, [META_FIELD]: meta } : { [META_FIELD]: meta };
  const bytes = Buffer.byteLength(JSON.stringify(action)) + Buffer.byteLength(JSON.stringify(source)) + 2;
  return { position, docId, action, source, bytes };
}

/** Limits of one bulk request. */
export interface BulkLimits {
  /** Most operations per request. */
  readonly maxDocuments: number;
  /** Most bytes per request; an entry larger than this goes alone. */
  readonly maxBytes: number;
}

/** The entries cut into requests within the limits, in order. */
export function chunkEntries(entries: readonly BulkEntry[], limits: BulkLimits): BulkEntry[][] {
  const chunks: BulkEntry[][] = [];
  let current: BulkEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (current.length > 0 && (current.length >= limits.maxDocuments || bytes + entry.bytes > limits.maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += entry.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The request body: action and source lines, alternating. */
export function bulkBody(entries: readonly BulkEntry[]): Record<string, unknown>[] {
  return entries.flatMap((entry) => [entry.action, entry.source]);
}
