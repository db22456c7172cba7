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

/** Where a shipped document comes from: an entity version, the document's revision, and the document (null: deleted). */
export interface ShippedState {
  readonly entityKey: string;
  readonly version: number;
  readonly revision: number;
  readonly document: JsonObject | null;
}

/** The operation that ships a document state: an upsert, or a delete when the entity is deleted (`document` null). */
export function sinkOperation(sink: SinkContract, tenantId: string, state: ShippedState): SinkOperation {
  const docId = sinkDocId(sink, tenantId, state.entityKey);
  const { entityKey, version, revision } = state;
  return state.document === null
    ? { kind: 'delete', docId, entityKey, version, revision }
    : { kind: 'upsert', docId, entityKey, version, revision, document: state.document };
}
