import { contentHash, type JsonObject } from '../canonical/canonical-json';

export const TOMBSTONE_RAW_HASH = contentHash('ivm.raw.tombstone.v1', null);

export function rawDocumentHash(document: JsonObject): string {
  return contentHash('ivm.raw.v1', document);
}
