import type { SinkContract, SinkItemOutcome, SinkOperation, SinkPlugin } from '@ivm/domain';

/** A sink plugin in memory that applies everything and remembers it, per sink id. */
export class RecordingSink implements SinkPlugin {
  readonly shipped: { readonly sinkId: string; readonly operation: SinkOperation }[] = [];

  constructor(readonly type: string) {}

  async apply(sink: SinkContract, _tenantId: string, operations: readonly SinkOperation[]): Promise<readonly SinkItemOutcome[]> {
    await Promise.resolve();
    for (const operation of operations) this.shipped.push({ sinkId: sink.id, operation });
    return operations.map((operation) => ({ docId: operation.docId, status: 'applied' as const }));
  }

  /** The documents shipped to `sinkId`, by doc id, the last one winning. */
  documents(sinkId: string): Map<string, unknown> {
    const out = new Map<string, unknown>();
    for (const { sinkId: id, operation } of this.shipped) if (id === sinkId) out.set(operation.docId, operation.kind === 'upsert' ? operation.document : null);
    return out;
  }
}
