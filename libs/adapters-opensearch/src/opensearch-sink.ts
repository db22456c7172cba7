import { type ContractRegistry, InvariantViolationError, type SinkItemOutcome, type SinkPlugin } from '@ivm/domain';
import type { OpenSearchClientLike } from './client';
import { bulkOutcomes, rejectAll, retryAll } from './bulk-outcomes';
import { bulkBody, bulkEntry, type BulkEntry, type BulkLimits, chunkEntries } from './bulk-request';
import { ensureIndex, type IndexReady } from './ensure-index';
import { indexNames } from './index-definition';
import { requestFailure } from './request-failure';

/** How operations are retried inside one `apply` before they go back to the task as `retry`. */
export interface ItemRetry {
  /** Tries per operation in one `apply`, the first included (≥ 1). */
  readonly tries: number;
  /** Wait before the second try; doubles per try, with up to half taken off at random. */
  readonly baseDelayMs: number;
}

/** The `opensearch` plugin's settings. */
export interface OpenSearchSinkConfig {
  /** The cluster's client, made at the first `apply` (a process that never ships to OpenSearch never connects). */
  readonly connect: () => OpenSearchClientLike;
  /** The contracts the index mappings come from. */
  readonly registry: ContractRegistry;
  readonly bulk: BulkLimits;
  readonly retry: ItemRetry;
  /** Longest wait for one request's answer. */
  readonly requestTimeoutMs: number;
  /** Told how many operations of a sink go round again inside an `apply` (for metrics). */
  readonly onRetry?: (sinkId: string, operations: number) => void;
}

/** Limits that suit a cluster with default settings (`http.max_content_length` 100 MB). */
export const OPENSEARCH_DEFAULTS = {
  bulk: { maxDocuments: 500, maxBytes: 5 * 1024 * 1024 },
  retry: { tries: 3, baseDelayMs: 200 },
  requestTimeoutMs: 30_000,
} as const;

/** The plugin, and the client's connections to close at shutdown. */
export interface OpenSearchSink extends SinkPlugin {
  close(): Promise<void>;
}

/**
 * The `opensearch` SinkPlugin (SPEC §9): per sink, an index created from the contracts, bulk
 * writes with deterministic ids and each document's revision as its `external_gte` version,
 * deletes as versioned tombstones hidden by a filtered alias, per-item outcomes read in order,
 * and 429/5xx items retried with backoff.
 */
export function createOpenSearchSink(config: OpenSearchSinkConfig): OpenSearchSink {
  checkConfig(config);
  const { registry } = config;
  let connected: OpenSearchClientLike | undefined;
  const client = (): OpenSearchClientLike => (connected ??= config.connect());
  const options = { requestTimeout: config.requestTimeoutMs, maxRetries: 0 };
  // Per index: ready once, then never asked again in this process; a failure is asked again next time.
  const ready = new Map<string, Promise<IndexReady>>();

  const send = async (entries: readonly BulkEntry[]): Promise<SinkItemOutcome[]> => {
    try {
      const response = await client().bulk({ body: bulkBody(entries) }, options);
      return bulkOutcomes(entries, response.body);
    } catch (error) {
      const failure = requestFailure(error);
      return failure.transient ? retryAll(entries, `bulk request failed: ${failure.reason}`) : rejectAll(entries, `bulk request refused: ${failure.reason}`);
    }
  };

  return {
    type: 'opensearch',
    async apply(sink, tenantId, operations) {
      if (sink.type !== 'opensearch') throw new InvariantViolationError(`opensearch sink: sink "${sink.id}" is of type ${sink.type}`);
      if (operations.length === 0) return [];
      const { index } = indexNames(sink);
      const entries = operations.map((operation, position) => bulkEntry(index, tenantId, operation, position));
      const preparing = ready.get(index) ?? ensureIndex(client(), registry, sink, options);
      ready.set(index, preparing);
      const prepared = await preparing;
      if (!prepared.ready) {
        // Asked again on the next call: the cause may be gone by then (a cluster back up).
        ready.delete(index);
        const { transient, reason } = prepared.failure;
        return transient ? retryAll(entries, reason) : rejectAll(entries, reason);
      }

      const outcomes = new Array<SinkItemOutcome>(entries.length);
      let pending: readonly BulkEntry[] = entries;
      for (let tries = 1; ; tries++) {
        const results = await Promise.all(chunkEntries(pending, config.bulk).map(send));
        const again: BulkEntry[] = [];
        results.flat().forEach((outcome, i) => {
          const entry = pending[i] as BulkEntry;
          outcomes[entry.position] = outcome;
          if (outcome.status === 'retry') again.push(entry);
        });
        if (again.length === 0 || tries >= config.retry.tries) break;
        config.onRetry?.(sink.id, again.length);
        const delay = config.retry.baseDelayMs * 2 ** (tries - 1);
        await new Promise((resolve) => setTimeout(resolve, delay - Math.floor(Math.random() * (delay / 2))));
        pending = again;
      }
      return outcomes;
    },
    async close() {
      await connected?.close();
      connected = undefined;
    },
  };
}

function checkConfig(config: OpenSearchSinkConfig): void {
  const check = (name: string, value: number, min: number): void => {
    if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`opensearch sink: ${name} must be an integer ≥ ${min}, got ${value}`);
  };
  check('bulk.maxDocuments', config.bulk.maxDocuments, 1);
  check('bulk.maxBytes', config.bulk.maxBytes, 1);
  check('retry.tries', config.retry.tries, 1);
  check('retry.baseDelayMs', config.retry.baseDelayMs, 0);
  check('requestTimeoutMs', config.requestTimeoutMs, 1);
}
