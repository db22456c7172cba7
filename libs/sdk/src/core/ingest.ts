import type { JsonObject } from '@ivm/domain';
import type { CatalogDescriptor } from './catalog';
import { deployStart, PLAN_AXES, type DeployPlan, type DeployStart } from './deploy-plan';
import { pickSinks, type SinkPicker, type SinkSelection } from './sink-selection';
import type { CallOptions, DeployBody, DeployCallOptions, DeployJobView, RecordInput, Transport, WriteRawResult } from './transport';

/** The version an ingested document (or deletion) is recorded at: an integer ≥ 1, growing per entity. */
export interface VersionOptions {
  readonly version: number;
}

/** One document of a batch with its version: `products([{ doc, version: 3 }, …])`. */
export interface Versioned<T> {
  readonly doc: T;
  readonly version: number;
}

/**
 * What an ingest does with its records. Generated catalogs extend it with one method per entity
 * type (`product(doc, {version})`, `products([…])`, `deleteProduct(id, {version})`), each
 * answering a new ingest with the record added (an ingest is immutable, so it can be reused).
 */
export interface Deployable<S extends SinkSelection> {
  /** The records so far, in order, as the API takes them. */
  readonly records: readonly RecordInput[];
  /** Deploys the records with the axes spelled out: `d => d.compile.sync().ship.async(s => s.personalize()).cutover.ready()`. */
  deploy(plan: (d: DeployStart<S>) => DeployPlan<S>, options?: DeployCallOptions): Promise<DeployJobView>;
  /** Compile in the request, ship in a worker: answers READY (or FAILED); the job goes on to DONE. */
  deployNow(pick: SinkPicker<S>, options?: DeployCallOptions): Promise<DeployJobView>;
  /** Compile and ship in the request: answers DONE, or FAILED with the error. */
  deployNowAndShipNow(pick: SinkPicker<S>, options?: DeployCallOptions): Promise<DeployJobView>;
  /** Compile and ship in a worker: answers the QUEUED job at once; follow it with `deploy.wait(jobId)`. */
  deployQueued(pick: SinkPicker<S>, options?: DeployCallOptions): Promise<DeployJobView>;
  /** Stores the raw versions only (PUT raw, one call per record, in order): nothing is compiled or shipped. */
  insert(options?: CallOptions): Promise<WriteRawResult[]>;
}

/** Builds the runtime ingest object of a catalog over a transport. */
export function createIngest<I extends Deployable<S>, S extends SinkSelection>(
  catalog: CatalogDescriptor,
  transport: Transport,
  records: readonly RecordInput[] = [],
): I {
  const next = (added: readonly RecordInput[]) => createIngest<I, S>(catalog, transport, [...records, ...added]);
  const send = (plan: DeployPlan<S>, options: DeployCallOptions = {}) => {
    const axes = plan[PLAN_AXES];
    const body: DeployBody = {
      records,
      compile: axes.compile,
      ship: axes.ship === null ? null : { mode: axes.ship.mode, sinks: pickSinks(catalog.sinks, axes.ship.pick) },
      cutover: axes.cutover,
    };
    // One key per call, reused by every retry of it: a retried deploy answers the same job.
    const { idempotencyKey = globalThis.crypto.randomUUID(), ...call } = options;
    return transport.createDeploy(body, idempotencyKey, call);
  };
  const d = deployStart<S>();
  const ingest: Record<string, unknown> = {
    records,
    deploy: (plan: (d: DeployStart<S>) => DeployPlan<S>, options?: DeployCallOptions) => send(plan(d), options),
    deployNow: (pick: SinkPicker<S>, options?: DeployCallOptions) => send(d.compile.sync().ship.async(pick), options),
    deployNowAndShipNow: (pick: SinkPicker<S>, options?: DeployCallOptions) => send(d.compile.sync().ship.sync(pick), options),
    deployQueued: (pick: SinkPicker<S>, options?: DeployCallOptions) => send(d.compile.async().ship.async(pick), options),
    insert: async (options?: CallOptions) => {
      const results: WriteRawResult[] = [];
      for (const record of records) results.push(await transport.writeRaw(record, options));
      return results;
    },
  };
  for (const entity of catalog.entities) {
    const record = (doc: JsonObject, version: number): RecordInput => ({
      entityType: entity.entityType,
      entityId: idOf(doc, entity.idField),
      version,
      data: doc,
    });
    ingest[entity.add] = (doc: JsonObject, options: VersionOptions) => next([record(doc, options.version)]);
    ingest[entity.addMany] = (items: readonly Versioned<JsonObject>[]) => next(items.map((item) => record(item.doc, item.version)));
    ingest[entity.remove] = (entityId: string, options: VersionOptions) =>
      next([{ entityType: entity.entityType, entityId, version: options.version, deleted: true }]);
  }
  return Object.freeze(ingest) as I;
}

/** The id a document carries in its id field; the API reports a missing or mistyped one (ENTITY_ID_MISMATCH, SCHEMA_VIOLATION). */
function idOf(doc: JsonObject, idField: string): string {
  const id = doc[idField];
  return typeof id === 'string' ? id : String(id ?? '');
}
