import { createHash } from 'node:crypto';
import { type JsonObject, type SinkOperation } from '@ivm/domain';

/** The JSON body of one delivery (API.md "Sinks"); `document` only for an upsert. */
export interface WebhookPayload {
  readonly sinkId: string;
  readonly tenantId: string;
  readonly docId: string;
  readonly entityKey: string;
  readonly version: number;
  readonly revision: number;
  readonly op: 'upsert' | 'delete';
  readonly document?: JsonObject;
}

/** The body that delivers one operation of a sink to a tenant's receiver. */
export function webhookPayload(sinkId: string, tenantId: string, operation: SinkOperation): WebhookPayload {
  const { docId, entityKey, version, revision } = operation;
  const head = { sinkId, tenantId, docId, entityKey, version, revision };
  return operation.kind === 'upsert' ? { ...head, op: 'upsert', document: operation.document } : { ...head, op: 'delete' };
}

/**
 * The `Idempotency-Key` of a delivery: a hash of what identifies it (sink, tenant, document,
 * revision, op), so every retry of one delivery, from any process, sends the same key, and a new
 * revision of the document a new one. A JSON array keeps the fields apart (no separator to escape).
 */
export function webhookIdempotencyKey(payload: Pick<WebhookPayload, 'sinkId' | 'tenantId' | 'docId' | 'revision' | 'op'>): string {
  const identity = JSON.stringify([payload.sinkId, payload.tenantId, payload.docId, payload.revision, payload.op]);
  return createHash('sha256').update(identity).digest('hex');
}
