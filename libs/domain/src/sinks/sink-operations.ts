import type { JsonObject } from '../canonical/canonical-json';
import type { SinkContract } from '../contracts/model';
import { parseEntityKey } from '../entity-keys/entity-keys';
import type { SinkOperation } from '../ports/sink';

/** The sink's deterministic document id for an entity: its `docId` template filled in. */
export function sinkDocId(sink: SinkContract, tenantId: string, entityKey: string): string {
  const { entityType, entityId } = parseEntityKey(entityKey);
  const values: Record<string, string> = { tenantId, entityType, entityId, entityKey };
  return sink.docId.replace(/\{(tenantId|entityType|entityId|entityKey)\}/g, (_, name: string) => values[name] as string);
}

/**
 * The operation that ships an entity version: an upsert of its (view) document, or a delete
 * when the entity is deleted at that version (`document` null).
 */
export function sinkOperation(sink: SinkContract, tenantId: string, entityKey: string, version: number, document: JsonObject | null): SinkOperation {
  const docId = sinkDocId(sink, tenantId, entityKey);
  return document === null ? { kind: 'delete', docId, version } : { kind: 'upsert', docId, version, document };
}
