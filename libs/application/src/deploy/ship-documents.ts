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

/** Most documents read and handed to a sink in one call (the plugin cuts its own requests within it). */
export const SHIP_BATCH = 500;

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
 * Sinks are isolated: one that refuses or is down does not keep the others from getting their
 * documents in this run; its error is thrown once every sink was tried (a rejection first, then
 * the unavailable sink that asked for the shortest wait).
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
  const failures: (SinkRejectedError | SinkUnavailableError)[] = [];
  for (const sinkId of sinkIds) {
    try {
      reports.push(await shipToSink(deps, tenantId, entities, sinkId, signal));
    } catch (error) {
      if (!(error instanceof SinkRejectedError || error instanceof SinkUnavailableError)) throw error;
      failures.push(error);
    }
  }
  const rejected = failures.find((f) => f instanceof SinkRejectedError);
  if (rejected) throw rejected;
  const soonest = failures.sort((a, b) => retryAfter(a) - retryAfter(b))[0];
  if (soonest) throw soonest;
  return reports;
}

function retryAfter(error: SinkRejectedError | SinkUnavailableError): number {
  return error instanceof SinkUnavailableError ? (error.retryAfterMs ?? 0) : 0;
}

async function shipToSink(
  deps: { readonly registry: ContractRegistry; readonly stores: Stores; readonly sinks: DeploySinks },
  tenantId: string,
  entities: readonly EntityVersionRef[],
  sinkId: string,
  signal: AbortSignal,
): Promise<ShipReport> {
  const contract = deps.registry.sink(sinkId);
  const plugin = deps.sinks.plugin(sinkId);
  const shipped = new Set<string>();
  let documents = 0;
  let applied = 0;
  let stale = 0;
  // Keys from several records and pages go out together, so a deploy of many records makes
  // bulk-sized calls rather than one call per record.
  let batch: string[] = [];
  const flush = async (): Promise<void> => {
    const keys = batch;
    batch = [];
    if (keys.length === 0) return;
    const states = await Promise.all(keys.map((key) => readShippedState(deps.registry, deps.stores, tenantId, contract, key)));
    const outcomes = await plugin.apply(
      contract,
      tenantId,
      states.map((state) => sinkOperation(contract, tenantId, state)),
    );
    const rejected = outcomes.filter((o) => o.status === 'rejected').map((o) => ({ docId: o.docId, reason: o.reason ?? 'rejected' }));
    if (rejected.length > 0) throw new SinkRejectedError(sinkId, rejected);
    const pending = outcomes.filter((o) => o.status === 'retry');
    if (pending.length > 0) {
      const hints = pending.flatMap((o) => (o.retryAfterMs === undefined ? [] : [o.retryAfterMs]));
      throw new SinkUnavailableError(
        sinkId,
        pending.map((o) => ({ docId: o.docId, reason: o.reason ?? 'try again' })),
        hints.length > 0 ? { retryAfterMs: Math.max(...hints) } : {},
      );
    }
    documents += outcomes.length;
    applied += outcomes.filter((o) => o.status === 'applied').length;
    stale += outcomes.filter((o) => o.status === 'stale').length;
  };
  for (const entity of entities) {
    for await (const page of shipTargets(deps.registry, deps.stores, tenantId, contract, entity.entityKey)) {
      signal.throwIfAborted();
      for (const key of page) {
        if (shipped.has(key)) continue;
        shipped.add(key);
        batch.push(key);
        if (batch.length >= SHIP_BATCH) await flush();
      }
    }
  }
  await flush();
  return { sinkId, documents, applied, stale };
}
