import type { ContractListing, DeployJobView, ViewReport, WriteRawResult } from '@ivm/application';
import type { CompileMode, CutoverMode, JsonObject, ShipMode } from '@ivm/domain';

/** One record of an ingest: a version of an entity's document, or its deletion at a version. */
export type RecordInput =
  | { readonly entityType: string; readonly entityId: string; readonly version: number; readonly data: JsonObject }
  | { readonly entityType: string; readonly entityId: string; readonly version: number; readonly deleted: true };

/** The body of POST deploys (API.md). */
export interface DeployBody {
  readonly records: readonly RecordInput[];
  readonly compile: CompileMode;
  readonly ship: { readonly mode: ShipMode; readonly sinks: readonly string[] } | null;
  readonly cutover: CutoverMode;
}

/** Per call: an abort signal, and a timeout that replaces the client's for this call. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  /** Milliseconds before one attempt is given up (then retried while attempts remain). */
  readonly timeoutMs?: number;
}

/** A deploy call may also name its Idempotency-Key (one is generated otherwise, and kept across retries). */
export interface DeployCallOptions extends CallOptions {
  readonly idempotencyKey?: string;
}

export type { ContractListing, DeployJobView, ViewReport, WriteRawResult };

/**
 * How a client reaches the runtime: over HTTP (`httpTransport`) or in this process
 * (`inProcessTransport`). Both answer with the API's JSON shapes and throw `IvmError`s.
 */
export interface Transport {
  /** PUT raw (or DELETE raw for a deletion): one record, without compiling it. */
  writeRaw(record: RecordInput, options?: CallOptions): Promise<WriteRawResult>;
  /** POST deploys under `idempotencyKey`: the job as the request leaves it. */
  createDeploy(body: DeployBody, idempotencyKey: string, options?: CallOptions): Promise<DeployJobView>;
  /** GET deploys/{jobId}. */
  deployStatus(jobId: string, options?: CallOptions): Promise<DeployJobView>;
  /** GET views/{viewId}/{entityId}, at the active version unless `version` is given. */
  queryView(viewId: string, entityId: string, version: number | undefined, options?: CallOptions): Promise<ViewReport>;
  /** GET contracts: what the runtime has loaded, and whether each sink is configured there. */
  contracts(options?: CallOptions): Promise<readonly ContractListing[]>;
  /** Releases what the transport holds (an in-process worker, connections); idempotent. */
  close(): Promise<void>;
}
