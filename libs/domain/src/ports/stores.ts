import type { ContractRef } from '../contracts/model';
import type { ChangeSetRecord, EntityHead, IndexEntry, InputVector, RawRecord, SliceKey, SliceRecord, SlicingState } from './records';

/** Outcome of a put that must not overwrite: stored, or the record already under that key. */
export type PutIfAbsentResult<T> = { readonly stored: true } | { readonly stored: false; readonly existing: T };

/**
 * Outcome of appending a raw version, decided atomically against the entity's head, in this order:
 * a record at the same version exists (`exists`, whatever is newer); the head holds this or a newer
 * version (`not-newer`); a deletion over nothing live (`nothing-to-delete`); else `stored`.
 */
export type AppendResult =
  | { readonly outcome: 'stored' }
  | { readonly outcome: 'exists'; readonly existing: RawRecord }
  | { readonly outcome: 'not-newer'; readonly latest: number }
  | { readonly outcome: 'nothing-to-delete' };

/** Immutable raw versions, keyed `(tenantId, entityKey, version)`, with the entity's head kept beside them. */
export interface RawStore {
  /**
   * Store the record as the entity's newest version and copy it into the head, only if it is
   * newer than the head's (and, for a deletion, the head's record is live): one atomic operation,
   * so two racing appends can never leave a version stored after a newer one was acknowledged.
   */
  append(record: RawRecord): Promise<AppendResult>;
  /** The record at exactly this version, if any. */
  get(tenantId: string, entityKey: string, version: number): Promise<RawRecord | undefined>;
}

/** Entity heads (see the glossary): the newest raw record and the slicing state, per entity. */
export interface HeadStore {
  /** The entity's head, if any version of it was ever appended. */
  get(tenantId: string, entityKey: string): Promise<EntityHead | undefined>;
  /** Heads of many entities; keys without a head are absent from the map. */
  getMany(tenantId: string, entityKeys: readonly string[]): Promise<ReadonlyMap<string, EntityHead>>;
  /**
   * Replace the slicing state if the head's revision is still `expectedRevision` (compare-and-set),
   * bumping the revision; the raw part of the head is untouched. False when the revision moved on.
   */
  commit(tenantId: string, entityKey: string, expectedRevision: number, state: SlicingState): Promise<boolean>;
}

/** The contract versions a change set was computed under: part of its key. */
export interface ChangeSetContracts {
  readonly schemaRef: ContractRef;
  readonly ruleSetRef: ContractRef;
}

/** Immutable change sets, keyed `(tenantId, entityKey, fromVersion, toVersion, schemaRef, ruleSetRef)`. */
export interface ChangeSetStore {
  /** Store the change set unless its key exists; never overwrites. */
  putIfAbsent(record: ChangeSetRecord): Promise<PutIfAbsentResult<ChangeSetRecord>>;
  /** The change set between exactly these versions, computed under exactly these contracts, if any. */
  get(tenantId: string, entityKey: string, fromVersion: number, toVersion: number, contracts: ChangeSetContracts): Promise<ChangeSetRecord | undefined>;
}

/**
 * What a slice put expects to find at the slice's exact key: nothing, or a slice with this hash
 * (and, when given, built from this input vector: a hash alone can come back, A → B → A, and
 * would let a stale writer overwrite a newer slice with the same content as the one it read).
 */
export type SliceExpectation = { readonly absent: true } | { readonly hash: string; readonly inputVector?: InputVector };

/** One conditional slice write. */
export interface SliceWrite {
  readonly record: SliceRecord;
  readonly expected: SliceExpectation;
}

/** Slices keyed `(tenantId, entityKey, version, sliceType)`. */
export interface SliceStore {
  /** The slices at exactly these keys, aligned with `keys` (undefined where there is none). */
  get(tenantId: string, keys: readonly SliceKey[]): Promise<readonly (SliceRecord | undefined)[]>;
  /** For each requested type, the newest slice at or below `version` (history reads of versions no slice set covers). */
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

/**
 * Every store port the runtime uses, implemented together by one adapter (DynamoDB) or in memory.
 * Store failures are the port's errors: StoreUnavailableError (transient), StoreCorruptItemError
 * (an item the adapter cannot read: never retried) and ItemTooLargeError (a caller's document too
 * large for the store).
 */
export interface Stores {
  readonly raw: RawStore;
  readonly heads: HeadStore;
  readonly changeSets: ChangeSetStore;
  readonly slices: SliceStore;
  readonly index: IndexStore;
}
