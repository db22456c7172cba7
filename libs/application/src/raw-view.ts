import { type JsonObject, type RawRecord } from '@ivm/domain';

/** A raw record as callers see it (the tenant is implied by the request). */
export interface RawView {
  readonly entityKey: string;
  readonly version: number;
  readonly hash: string;
  readonly deleted: boolean;
  readonly data: JsonObject | null;
}

export function rawView(record: RawRecord): RawView {
  return { entityKey: record.entityKey, version: record.version, hash: record.hash, deleted: record.deleted, data: record.data };
}
