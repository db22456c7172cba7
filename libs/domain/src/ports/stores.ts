import type { ChangeSetRecord, IndexEntry, RawRecord, SliceRecord } from './records';

/** Outcome of a put that must not overwrite: stored, or the record already under that key. */
export type PutIfAbsentResult<T> = { readonly stored: true } | { readonly stored: false; readonly existing: T };

/** Immutable raw versions, keyed `(tenantId, entityKey, version)`. */
export interface RawStore {
  /** Store the record unless its key exists; never overwrites. */
  putIfAbsent(record: RawRecord): Promise<PutIfAbsentResult<RawRecord>>;
  /** The record at exactly this version, if any. */
  get(tenantId: string, entityKey: string, version: number): Promise<RawRecord | undefined>;
  /** The newest record of the entity (a tombstone included), if any. */
  latest(tenantId: string, entityKey: string): Promise<RawRecord | undefined>;
  /** The newest record strictly below `version` (a tombstone included), if any. */
  latestBelow(tenantId: string, entityKey: string, version: number): Promise<RawRecord | undefined>;
  /** `latest` for many entities at once; keys without records are absent from the map. */
  latestMany(tenantId: string, entityKeys: readonly string[]): Promise<ReadonlyMap<string, RawRecord>>;
}

/** Immutable change sets, keyed `(tenantId, entityKey, fromVersion, toVersion)`. */
export interface ChangeSetStore {
  /** Store the change set unless its key exists; never overwrites. */
  putIfAbsent(record: ChangeSetRecord): Promise<PutIfAbsentResult<ChangeSetRecord>>;
  /** The change set between exactly these versions, if any. */
  get(tenantId: string, entityKey: string, fromVersion: number, toVersion: number): Promise<ChangeSetRecord | undefined>;
}

/** What a slice put expects to find at the slice's exact key: nothing, or a slice with this hash. */
export type SliceExpectation = { readonly absent: true } | { readonly hash: string };

/** One conditional slice write. */
export interface SliceWrite {
  readonly record: SliceRecord;
  readonly expected: SliceExpectation;
}

/** Slices keyed `(tenantId, entityKey, version, sliceType)`. */
export interface SliceStore {
  /** For each requested type, the newest slice at or below `version` (the effective slice). */
  effective(tenantId: string, entityKey: string, version: number, sliceTypes: readonly string[]): Promise<ReadonlyMap<string, SliceRecord>>;
  /**
   * Conditional writes, each succeeding only when its key holds what `expected` says; the writes
   * are independent (no transaction). Resolves to the writes that conflicted, none on success.
   */
  put(writes: readonly SliceWrite[]): Promise<readonly SliceWrite[]>;
}

/** One page of an index lookup, entity keys in ascending order. */
export interface IndexPage {
  readonly entityKeys: readonly string[];
  /** Pass back as `after` for the next page; absent on the last page. */
  readonly next?: string;
}

/** Inverted index entries `indexKey → entityKey`; a computation aid for fan-out, looked up by key only. */
export interface IndexStore {
  /** Add entries; adding an existing entry is a no-op. */
  add(tenantId: string, entries: readonly IndexEntry[]): Promise<void>;
  /** Remove entries; removing a missing entry is a no-op. */
  remove(tenantId: string, entries: readonly IndexEntry[]): Promise<void>;
  /** Entity keys under one index key, ascending, at most `limit`, after the `after` key. */
  lookup(tenantId: string, indexKey: string, page: { readonly limit: number; readonly after?: string }): Promise<IndexPage>;
}

/** The pointer storefront reads follow, per entity. */
export interface ActiveVersionStore {
  /** The active version of the entity, if it was ever cut over. */
  get(tenantId: string, entityKey: string): Promise<number | undefined>;
  /** Move the pointer (a swap, never a copy). */
  set(tenantId: string, entityKey: string, version: number): Promise<void>;
}
