import type { Json, JsonObject } from '../canonical/canonical-json';
import type { ContractRef } from '../contracts/model';

/**
 * Glossary
 * - tenantId: the owner of every record; all keys are scoped by it.
 * - entityKey: `{entityType}#{entityId}`, e.g. `product#ABC-123`.
 * - version: the entity's data version, an integer ≥ 1, strictly increasing per entity. It is the
 *   single source of truth for every store, slice and query decision.
 * - raw record: one immutable, schema-valid version of an entity's document, or its deletion.
 * - change set: the canonical diff between two raw versions of one entity.
 * - slice: a projection of an entity at a version, keyed `(tenantId, entityKey, version, sliceType)`.
 * - effective slice: of a type at version v, the newest slice of that type at or below v.
 * - input vector: entity key → version of every raw record a slice build read.
 * - index entry: `indexKey → entityKey`, derived from index-source slices; used only for fan-out.
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

/** One slice to (re)build: the fan-out unit. */
export interface ImpactedSliceKey {
  readonly entityKey: string;
  readonly version: number;
  readonly sliceType: string;
}
