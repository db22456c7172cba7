import { createDeployServices, createIvmServices, deployJobView, type DeploySettings, type SinkDirectoryOptions } from '@ivm/application';
import {
  createInMemoryDeploys,
  DEFAULT_RETRY_POLICY,
  DomainError,
  STATUS_BY_CODE,
  type Clock,
  type ContractRegistry,
  type DeployJobStore,
  type OutboxStore,
  type Stores,
} from '@ivm/domain';
import type { CatalogDescriptor } from '../core/catalog';
import { CatalogMismatchError, ClientClosedError, IvmApiError } from '../core/errors';
import type { Transport } from '../core/transport';
import { OutboxRunner } from './outbox-runner';

/** What an in-process client runs on: the contracts, the stores, and optionally the deploy ports and sinks. */
export interface InProcessOptions {
  readonly tenant: string;
  /** The loaded contracts (`loadContractRegistry('contracts')` from `@ivm/adapters-fs`). */
  readonly registry: ContractRegistry;
  /** The stores (`createInMemoryStores()` from `@ivm/domain`, or the DynamoDB adapter's). */
  readonly stores: Stores;
  /** The outbox and deploy jobs (the PostgreSQL adapter's); default: in memory, gone when the process ends. */
  readonly deploys?: { readonly outbox: OutboxStore; readonly jobs: DeployJobStore };
  /** The sink plugins and the environment their URLs come from (default: no sink configured). */
  readonly sinks?: SinkDirectoryOptions;
  /** The worker that runs queued tasks in this process; `false` when other worker processes run the outbox. */
  readonly worker?: false | { readonly concurrency?: number; readonly pollMs?: number };
  /** Outbox settings (defaults as the worker's: lease 30 s, 10 attempts, backoff from 1 s). */
  readonly settings?: Partial<DeploySettings>;
  /** Time for the in-memory outbox (default: the system clock). */
  readonly clock?: Clock;
  /** Told of a failure of the in-process worker itself (a task's own failure is settled in the outbox); default: console.error. */
  readonly onWorkerError?: (error: unknown) => void;
}

/** The application services in this process, behind the same interface as the HTTP API: the same shapes, the same error codes and statuses. */
export function inProcessTransport(catalog: CatalogDescriptor, options: InProcessOptions): Transport {
  assertCatalog(catalog, options.registry);
  const tenantId = options.tenant;
  const clock = options.clock ?? { now: () => Date.now() };
  const deployPorts = options.deploys ?? createInMemoryDeploys(clock);
  const settings: DeploySettings = { leaseMs: 30_000, maxAttempts: 10, retry: DEFAULT_RETRY_POLICY, ...options.settings };
  const services = createIvmServices({ registry: options.registry, stores: options.stores, ...(options.sinks ? { sinks: options.sinks } : {}) });
  const owner = `sdk-in-process:${globalThis.crypto.randomUUID()}`;
  const deploys = createDeployServices({
    registry: options.registry,
    stores: options.stores,
    ...deployPorts,
    sinks: services.sinks,
    settings,
    owner,
    newJobId: () => globalThis.crypto.randomUUID(),
  });
  const worker =
    options.worker === false
      ? undefined
      : new OutboxRunner(
          deployPorts.outbox,
          deploys.handlers,
          { owner, concurrency: options.worker?.concurrency ?? 4, pollMs: options.worker?.pollMs ?? 200, ...settings },
          options.onWorkerError ?? ((error) => console.error('ivm in-process worker:', error)),
        );
  let closed = false;

  /** Runs a use case as the API would answer it: domain errors become IvmApiError with the API's code and status. */
  async function run<T>(work: () => Promise<T> | T): Promise<T> {
    if (closed) throw new ClientClosedError();
    try {
      return await work();
    } catch (error) {
      if (error instanceof DomainError) throw new IvmApiError(error.code, STATUS_BY_CODE[error.code], error.message, error.details, { cause: error });
      throw new IvmApiError('INTERNAL', 500, error instanceof Error ? error.message : String(error), [], { cause: error });
    }
  }

  return {
    writeRaw: (record) =>
      run(() =>
        'deleted' in record
          ? services.deleteRaw({ tenantId, entityType: record.entityType, entityId: record.entityId, version: record.version })
          : services.insertRaw({ tenantId, entityType: record.entityType, entityId: record.entityId, version: record.version, data: record.data }),
      ),
    createDeploy: (body, idempotencyKey) =>
      run(async () => {
        const result = await deploys.createDeploy({ tenantId, body, idempotencyKey });
        worker?.kick();
        return deployJobView(result.job);
      }),
    deployStatus: (jobId) => run(async () => deployJobView(await deploys.deployStatus({ tenantId, jobId }))),
    queryView: (viewId, entityId, version) => run(() => services.queryView({ tenantId, viewId, entityId, ...(version === undefined ? {} : { version }) })),
    contracts: () => run(() => services.listContracts()),
    close: async () => {
      closed = true;
      await worker?.close();
    },
  };
}

/** Fails fast when the registry lacks an entity type, view or sink the generated SDK offers a method for. */
function assertCatalog(catalog: CatalogDescriptor, registry: ContractRegistry): void {
  const loaded = new Set(registry.list().map((c) => `${c.kind}:${c.id}`));
  const problems: { path: string; message: string }[] = [];
  for (const entity of catalog.entities) {
    if (!registry.hasEntityType(entity.entityType))
      problems.push({ path: `/entities/${entity.entityType}`, message: `no EntitySchema for entity type ${entity.entityType}` });
  }
  for (const viewId of Object.values(catalog.views))
    if (!loaded.has(`View:${viewId}`)) problems.push({ path: `/views/${viewId}`, message: `no View ${viewId}` });
  for (const sinkId of Object.values(catalog.sinks))
    if (!loaded.has(`Sink:${sinkId}`)) problems.push({ path: `/sinks/${sinkId}`, message: `no Sink ${sinkId}` });
  if (problems.length > 0) {
    throw new CatalogMismatchError(
      `The contracts given lack ${problems.length} thing${problems.length === 1 ? '' : 's'} this SDK was generated for (re-run npm run codegen)`,
      problems,
    );
  }
}
