import type { JsonObject } from '../canonical/canonical-json';
import type { SinkContract } from '../contracts/model';

/**
 * One document operation for an external sink. `version` is the entity version the document was
 * built from; `revision` orders every change of this one document (the entity head's revision,
 * read with the document by `readShippedState`, see docs/deploys.md): a sink applies an operation only over a lower revision, so a
 * stale or replayed write never overwrites a newer one, also after a join target changed the
 * document at the same entity version.
 */
export type SinkOperation =
  | {
      readonly kind: 'upsert';
      readonly docId: string;
      readonly entityKey: string;
      readonly version: number;
      readonly revision: number;
      readonly document: JsonObject;
    }
  | { readonly kind: 'delete'; readonly docId: string; readonly entityKey: string; readonly version: number; readonly revision: number };

/**
 * What became of one operation: `applied`; `stale` (the sink already holds this or a newer
 * revision: success for an idempotent replay); `retry` (a transient refusal such as a 429 or a
 * timeout); `rejected` (the sink will never accept it, e.g. a mapping error).
 */
export interface SinkItemOutcome {
  readonly docId: string;
  readonly status: 'applied' | 'stale' | 'retry' | 'rejected';
  readonly reason?: string;
  /** For `retry`: the soonest trying again is worth it (an open circuit breaker, a Retry-After). */
  readonly retryAfterMs?: number;
}

/** An external sink (webhook, OpenSearch, …), implemented by an adapter. */
export interface SinkPlugin {
  /** The Sink contract `type` this plugin serves, e.g. `webhook`. */
  readonly type: string;
  /** Apply the operations of one tenant; per-item outcomes in input order, never thrown. */
  apply(sink: SinkContract, tenantId: string, operations: readonly SinkOperation[]): Promise<readonly SinkItemOutcome[]>;
}

/** Whether a sink contract can ship in this process, and why not. */
export type SinkAvailability = { readonly configured: true } | { readonly configured: false; readonly reason: string; readonly missing?: string };
