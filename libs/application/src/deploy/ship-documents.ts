import {
  type ContractRegistry,
  readShippedState,
  shipTargets,
  SinkRejectedError,
  sinkOperation,
  SinkUnavailableError,
  type EntityVersionRef,
  type Stores,
} from '@ivm/domain';
import type { DeploySinks } from './deps';

/** What one ship did, per sink: documents sent and how they fared. */
export interface ShipReport {
  readonly sinkId: string;
  readonly documents: number;
  readonly applied: number;
  readonly stale: number;
}

/**
 * Ships the documents the records' changes alter — each record's own entity, and every parent
 * of a join target — to each sink, page by page, at a consistent head revision each. Idempotent:
 * a re-run sends the same or newer revisions, which a sink applies or answers as stale.
 * @throws SinkRejectedError (never retried) or SinkUnavailableError (retried with backoff)
 */
export async function shipDocuments(
  deps: { readonly registry: ContractRegistry; readonly stores: Stores; readonly sinks: DeploySinks },
  tenantId: string,
  entities: readonly EntityVersionRef[],
  sinkIds: readonly string[],
  signal: AbortSignal,
): Promise<ShipReport[]> {
  const reports: ShipReport[] = [];
  for (const sinkId of sinkIds) {
    const contract = deps.registry.sink(sinkId);
    const plugin = deps.sinks.plugin(sinkId);
    const shipped = new Set<string>();
    let documents = 0;
    let applied = 0;
    let stale = 0;
    for (const entity of entities) {
      for await (const page of shipTargets(deps.registry, deps.stores, tenantId, contract, entity.entityKey)) {
        signal.throwIfAborted();
        const keys = page.filter((key) => !shipped.has(key));
        if (keys.length === 0) continue;
        keys.forEach((key) => shipped.add(key));
        const states = await Promise.all(keys.map((key) => readShippedState(deps.registry, deps.stores, tenantId, contract, key)));
        const outcomes = await plugin.apply(
          contract,
          tenantId,
          states.map((state) => sinkOperation(contract, tenantId, state)),
        );
        const rejected = outcomes.filter((o) => o.status === 'rejected').map((o) => ({ docId: o.docId, reason: o.reason ?? 'rejected' }));
        if (rejected.length > 0) throw new SinkRejectedError(sinkId, rejected);
        const pending = outcomes.filter((o) => o.status === 'retry').map((o) => ({ docId: o.docId, reason: o.reason ?? 'try again' }));
        if (pending.length > 0) throw new SinkUnavailableError(sinkId, pending);
        documents += outcomes.length;
        applied += outcomes.filter((o) => o.status === 'applied').length;
        stale += outcomes.filter((o) => o.status === 'stale').length;
      }
    }
    reports.push({ sinkId, documents, applied, stale });
  }
  return reports;
}
