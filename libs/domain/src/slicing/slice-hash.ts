import { contentHash, type JsonObject } from '../canonical/canonical-json';

/** The slice hash covers the slice type and payload only: same content ⇒ same hash, whatever built it. */
export function sliceHash(sliceType: string, data: JsonObject): string {
  return contentHash('ivm.slice.v1', { sliceType, data });
}

const tombstoneHashes = new Map<string, string>();

export function tombstoneSliceHash(sliceType: string): string {
  let hash = tombstoneHashes.get(sliceType);
  if (hash === undefined) {
    hash = contentHash('ivm.slice.tombstone.v1', { sliceType });
    tombstoneHashes.set(sliceType, hash);
  }
  return hash;
}
