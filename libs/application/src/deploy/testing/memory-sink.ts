import type { JsonObject, SinkContract, SinkItemOutcome, SinkOperation, SinkPlugin } from '@ivm/domain';

/** One delivery the sink saw, and what it answered. */
export interface Delivery {
  readonly sinkId: string;
  readonly operation: SinkOperation;
  readonly status: SinkItemOutcome['status'];
}

/**
 * A correct sink in memory (what a webhook receiver or OpenSearch does with revisions): per
 * document it keeps the highest revision and applies an operation only over a lower one. Tests
 * make it refuse the next deliveries, transiently or for good.
 */
export class MemorySink implements SinkPlugin {
  readonly deliveries: Delivery[] = [];
  private readonly held = new Map<string, { readonly revision: number; readonly version: number; readonly document: JsonObject | null }>();
  private failures: { status: 'retry' | 'rejected'; count: number } | undefined;

  constructor(readonly type: string) {}

  /** The next `count` operations answer `status` instead of being applied. */
  failNext(count: number, status: 'retry' | 'rejected'): void {
    this.failures = { status, count };
  }

  /** The document held under a doc id: null after a delete, undefined if never shipped. */
  document(docId: string): JsonObject | null | undefined {
    return this.held.get(docId)?.document;
  }

  revision(docId: string): number | undefined {
    return this.held.get(docId)?.revision;
  }

  async apply(sink: SinkContract, _tenantId: string, operations: readonly SinkOperation[]): Promise<readonly SinkItemOutcome[]> {
    await Promise.resolve();
    return operations.map((operation) => {
      const status = this.take(operation);
      this.deliveries.push({ sinkId: sink.id, operation, status });
      return { docId: operation.docId, status, ...(status === 'retry' || status === 'rejected' ? { reason: `test sink: ${status}` } : {}) };
    });
  }

  private take(operation: SinkOperation): SinkItemOutcome['status'] {
    if (this.failures !== undefined && this.failures.count > 0) {
      this.failures.count--;
      return this.failures.status;
    }
    const current = this.held.get(operation.docId);
    if (current !== undefined && current.revision >= operation.revision) return 'stale';
    this.held.set(operation.docId, {
      revision: operation.revision,
      version: operation.version,
      document: operation.kind === 'upsert' ? operation.document : null,
    });
    return 'applied';
  }
}
