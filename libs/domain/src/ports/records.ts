import type { Json, JsonObject } from '../canonical/canonical-json';
import type { ContractRef } from '../contracts/model';

/**
 * Glossary
 * - tenantId: the owner of every record; all keys are scoped by it.
 * - entityKey: `{entityType}#{entityId}`, e.g. `product#ABC-123`.
 * - version: the entity's data version, an integer ≥ 1, strictly increasing per entity. It is the
 *   single source of truth for every store, slice and query decision.
 * - raw record: one immutable, schema-valid version of an entity's document, or its deletion.
 * - head: per entity, a copy of its newest raw record and where its slicing stands (the sliced and
 *   active slice sets). Every ordering decision about an entity is one conditional write on it.
 * - change set: the canonical diff between two raw versions of one entity, keyed by the contract
 *   versions it was computed under.
 * - ImpactMap: a RuleSet's map from changed-path selectors to the slice types a change rebuilds.
 * - slice: a projection of an entity at a version, keyed `(tenantId, entityKey, version, sliceType)`.
 * - slice set: the slices an entity version consists of, one reference per slice type. A slicing
 *   writes slices first and then commits its slice set on the head; until then nothing reads them.
 * - effective slice: of a type at version v, the slice the committed slice set names (for history
 *   reads of older versions: the newest slice of that type at or below v).
 * - Light JOIN: a slice may take fields from another entity (a brand for a product) at build time,
 *   from that entity's newest sliced version; views never join.
 * - input vector: entity key → version of every raw record a slice build read.
 * - index entry: `indexKey → entityKey`, derived from the index-source slices of an entity's active
 *   and newest sliced slice sets; used only for fan-out.
 * - fan-out: a changed join target (a brand) rebuilds the slices of its parents (products) found
 *   by index key, at the version readers get by default (active) and at the newest sliced one.
 * - view: a read-time merge of the slices of one root entity, as a View contract declares.
 * - cutover: moving the active slice set forward to a newly sliced version; it never moves back
 *   by itself.
 * - active version: the version storefront reads follow; moved only by cutover.
 */

export interface RawRecord {
  readonly tenantId: string;
  readonly entityKey: string;
  readonly version: number;
  /** Content hash of the canonical document, or of the deletion marker. */
  readonly hash: string;
  /** True for a tombstone: the entity is deleted as of this version. */
  readonly deleted: boolean;
  /** The canonical document; null for a tombstone. */
  readonly data: JsonObject | null;
}

export type ChangeOp = 'add' | 'remove' | 'replace';

export interface Change {
  readonly op: ChangeOp;
  /** JSON Pointer of the changed value. */
  readonly path: string;
  readonly before?: Json;
  readonly after?: Json;
}

export interface ChangeSetRecord {
  readonly tenantId: string;
  readonly entityKey: string;
  /** 0 stands for "no earlier version". */
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly schemaRef: ContractRef;
  readonly ruleSetRef: ContractRef;
  readonly changes: readonly Change[];
  readonly hash: string;
}

/** Entity key → version of every raw record a build read; absent join targets read as 0. */
export type InputVector = Readonly<Record<string, number>>;

export interface SliceRecord {
  readonly tenantId: string;
  readonly entityKey: string;
  readonly version: number;
  readonly sliceType: string;
  readonly hash: string;
  readonly tombstone: boolean;
  /** Canonical slice payload; null for a tombstone. */
  readonly data: JsonObject | null;
  readonly inputVector: InputVector;
  readonly ruleSetRef: ContractRef;
}

export interface IndexEntry {
  readonly indexKey: string;
  readonly entityKey: string;
}

/** The key of one slice within a tenant. */
export interface SliceKey {
  readonly entityKey: string;
  readonly version: number;
  readonly sliceType: string;
}

/** One slice to (re)build: the fan-out unit. */
export type ImpactedSliceKey = SliceKey;

/** Where one slice type of a slice set is: the version its slice was written at, and its hash. */
export interface SliceRef {
  readonly version: number;
  readonly hash: string;
}

/** The committed slices of one entity version, by slice type (types with no slice are absent). */
export interface SliceSet {
  readonly version: number;
  /** The version an INCREMENTAL slicing diffed from (0: the creation); absent after a FULL one. */
  readonly fromVersion?: number;
  readonly slices: Readonly<Record<string, SliceRef>>;
}

/** Where an entity's slicing stands; what a head commit replaces. */
export interface SlicingState {
  /** The slice set of the newest sliced version. */
  readonly sliced?: SliceSet;
  /** The slice set readers follow by default; never newer than `sliced`. */
  readonly active?: SliceSet;
}

/** An entity's head: its newest raw record and its slicing state (see the glossary). */
export interface EntityHead extends SlicingState {
  readonly tenantId: string;
  readonly entityKey: string;
  /** A copy of the newest raw record (a tombstone included). */
  readonly latest: RawRecord;
  /** Bumped by every commit of the slicing state; a commit names the revision it read. */
  readonly revision: number;
}
