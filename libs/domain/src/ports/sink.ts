import type { JsonObject } from '../canonical/canonical-json';
import type { SinkContract } from '../contracts/model';

/**
 * One document operation for an external sink, at an entity version. The version is the
 * sink's external version: a sink applies an operation only over an older version, so a stale
 * or replayed write can never overwrite a newer one (SPEC §9).
 */
export type SinkOperation =
  | { readonly kind: 'upsert'; readonly docId: string; readonly version: number; readonly document: JsonObject }
  | { readonly kind: 'delete'; readonly docId: string; readonly version: number };

/**
 * What became of one operation: `applied`; `stale` (the sink already holds this or a newer
 * version: success for an idempotent replay); `retry` (a transient refusal such as a 429);
 * `rejected` (the sink will never accept it, e.g. a mapping error).
 */
export interface SinkItemOutcome {
  readonly docId: string;
  readonly status: 'applied' | 'stale' | 'retry' | 'rejected';
  readonly reason?: string;
}

/** An external sink (OpenSearch, …), implemented by an adapter. */
export interface SinkPlugin {
  /** The Sink contract `type` this plugin serves, e.g. `opensearch`. */
  readonly type: string;
  /** Apply the operations; per-item failures are outcomes, in input order, never thrown. */
  apply(sink: SinkContract, operations: readonly SinkOperation[]): Promise<readonly SinkItemOutcome[]>;
}
