import type { DeployState } from '@ivm/domain';
import type { CatalogDescriptor } from './catalog';
import { DeployWaitTimeoutError } from './errors';
import { createIngest, type Deployable } from './ingest';
import { sleep } from './retry';
import type { SinkSelection } from './sink-selection';
import type { CallOptions, ContractListing, DeployJobView, Transport, ViewReport } from './transport';

/** A view answer with its data typed by the view's fields. */
export interface ViewPage<T> extends Omit<ViewReport, 'data'> {
  readonly data: T;
}

/** One view of the catalog: `views.productDetail.get('ABC-123')`. */
export interface ViewClient<T> {
  /** The view of an entity at its active version, or at `version`. */
  get(entityId: string, options?: CallOptions & { readonly version?: number }): Promise<ViewPage<T>>;
}

/** How `deploy.wait` follows a job. */
export interface WaitOptions {
  /** Give up after this long (default 60,000 ms): DeployWaitTimeoutError with the last status. */
  readonly timeoutMs?: number;
  /** The first pause between two status reads (default 100 ms); it grows to 2 s. */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
}

/** Deploy jobs: their status, and waiting for their end. */
export interface DeployClient {
  /** The job: state, axes, records, transitions, tasks, and the error of a failed or stuck job. */
  status(jobId: string, options?: CallOptions): Promise<DeployJobView>;
  /** Reads the status until the job is DONE or FAILED (both resolve; check `state`). */
  wait(jobId: string, options?: WaitOptions): Promise<DeployJobView>;
}

/** The client of a generated catalog: `I` its ingest, `V` its views. */
export interface IvmClientOf<I, V> {
  /** A new, empty ingest; add records with the entity methods, then deploy or insert them. */
  ingest(): I;
  readonly deploy: DeployClient;
  readonly views: V;
  /** The contracts the runtime has loaded; each sink says whether it is configured there. */
  contracts(options?: CallOptions): Promise<readonly ContractListing[]>;
  /** Releases the transport (stops an in-process worker once its tasks settle); idempotent. */
  close(): Promise<void>;
}

const TERMINAL: readonly DeployState[] = ['DONE', 'FAILED'];
const MAX_POLL_MS = 2_000;

/** Wires a generated catalog's client over a transport. */
export function createClient<I extends Deployable<S>, V, S extends SinkSelection>(catalog: CatalogDescriptor, transport: Transport): IvmClientOf<I, V> {
  const views: Record<string, ViewClient<unknown>> = {};
  for (const [property, viewId] of Object.entries(catalog.views)) {
    views[property] = {
      get: async (entityId, options = {}) => {
        const { version, ...call } = options;
        return (await transport.queryView(viewId, entityId, version, call)) as ViewPage<unknown>;
      },
    };
  }
  const status = (jobId: string, options?: CallOptions) => transport.deployStatus(jobId, options);
  return Object.freeze({
    ingest: () => createIngest<I, S>(catalog, transport),
    deploy: Object.freeze({ status, wait: (jobId: string, options?: WaitOptions) => waitFor(status, jobId, options) }),
    views: Object.freeze(views) as V,
    contracts: (options?: CallOptions) => transport.contracts(options),
    close: () => transport.close(),
  });
}

async function waitFor(status: DeployClient['status'], jobId: string, options: WaitOptions = {}): Promise<DeployJobView> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let pause = options.pollMs ?? 100;
  for (;;) {
    const job = await status(jobId, options.signal ? { signal: options.signal } : {});
    if (TERMINAL.includes(job.state)) return job;
    const left = deadline - Date.now();
    if (left <= 0) {
      const why = job.error ? `; ${job.error.code}: ${job.error.message}` : '';
      throw new DeployWaitTimeoutError(`Deploy ${jobId} is still ${job.state} after ${timeoutMs} ms${why}`, job);
    }
    await sleep(Math.min(pause, left), options.signal);
    pause = Math.min(MAX_POLL_MS, pause * 2);
  }
}
