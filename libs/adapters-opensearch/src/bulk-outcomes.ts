import type { SinkItemOutcome } from '@ivm/domain';
import type { BulkEntry } from './bulk-request';

/** Longest excerpt of an item's error kept in its outcome's reason. */
const REASON_CHARS = 300;

/**
 * Each entry's outcome, read from the bulk response's `items` in order — the one place OpenSearch
 * reports per-item results (the client's bulk helper mislays them when deletes are mixed in,
 * opensearch-js#1125, and reports failures only through `onDrop`). 2xx applied; 409 a version
 * conflict: the index holds this revision or a newer one, so stale; 429 and 5xx retry; anything
 * else is rejected with the item's error. A response that does not answer every entry, in
 * order and by id, is not trusted: every entry is retried (they are idempotent).
 */
export function bulkOutcomes(entries: readonly BulkEntry[], body: unknown): SinkItemOutcome[] {
  const items = isRecord(body) && Array.isArray(body['items']) ? (body['items'] as unknown[]) : undefined;
  if (items?.length !== entries.length) {
    return retryAll(entries, `the bulk response answered ${items?.length ?? 'no'} items for ${entries.length} operations`);
  }
  const outcomes: SinkItemOutcome[] = [];
  for (const [i, entry] of entries.entries()) {
    const result = itemResult(items[i]);
    if (result?.id !== entry.docId) return retryAll(entries, `the bulk response's item ${i} is not the answer for ${entry.docId}`);
    outcomes.push(outcomeOf(entry.docId, result));
  }
  return outcomes;
}

interface ItemResult {
  readonly id: unknown;
  readonly status: number;
  readonly error?: { readonly type?: unknown; readonly reason?: unknown };
}

/** An item is `{<action>: {_id, status, error?}}` with exactly one action. */
function itemResult(item: unknown): ItemResult | undefined {
  if (!isRecord(item)) return undefined;
  const actions = Object.values(item);
  const [only] = actions;
  if (actions.length !== 1 || !isRecord(only) || typeof only['status'] !== 'number') return undefined;
  const error = isRecord(only['error']) ? only['error'] : undefined;
  return { id: only['_id'], status: only['status'], ...(error ? { error } : {}) };
}

function outcomeOf(docId: string, result: ItemResult): SinkItemOutcome {
  const { status } = result;
  if (status >= 200 && status < 300) return { docId, status: 'applied' };
  const reason = `HTTP ${status} ${describe(result.error)}`.slice(0, REASON_CHARS);
  if (status === 409) return { docId, status: 'stale', reason };
  if (status === 429 || status >= 500) return { docId, status: 'retry', reason };
  return { docId, status: 'rejected', reason };
}

function describe(error: ItemResult['error']): string {
  if (error === undefined) return '(no error given)';
  const type = typeof error.type === 'string' ? error.type : 'error';
  return typeof error.reason === 'string' ? `${type}: ${error.reason}` : type;
}

export function retryAll(entries: readonly BulkEntry[], reason: string, retryAfterMs?: number): SinkItemOutcome[] {
  return entries.map((entry) => ({ docId: entry.docId, status: 'retry', reason, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }));
}

export function rejectAll(entries: readonly BulkEntry[], reason: string): SinkItemOutcome[] {
  return entries.map((entry) => ({ docId: entry.docId, status: 'rejected', reason }));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
