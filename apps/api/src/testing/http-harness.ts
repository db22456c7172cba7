import { resolve } from 'node:path';
import { createDynamoStores, type DynamoClientLike, type RequestCounter } from '@ivm/adapters-dynamodb';
import { startTestDynamo, type TestDynamo } from '@ivm/adapters-dynamodb/testing';
import { loadContractRegistry } from '@ivm/adapters-fs';
import { createDeployServices, createIvmServices, type DeployServices } from '@ivm/application';
import { type ContractRegistry, createInMemoryDeploys, type InMemoryDeploys, retryPolicy, type Stores } from '@ivm/domain';
import { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createMetrics } from '../metrics';
import { registeredRoutes, type RouteDoc } from '../openapi';
import { buildServer } from '../server';
import { loadSinkConfig, processSinks } from '@ivm/runtime';
import { type ResponseSchema, undeclaredFields } from './undeclared-fields';

export const TENANT = 'acme';
export const KEY = 'acme-key';
export const OTHER_TENANT = 'globex';
export const OTHER_KEY = 'globex-key';
/** May call the admin routes (IVM_ADMIN_KEYS); no tenant's key. */
export const ADMIN_KEY = 'admin-key';
/** The lease of the tasks the test API creates. */
export const TEST_LEASE_MS = 30_000;
/** Retries of the test API's tasks are claimable at once, so a test plays every attempt without waiting. */
export const TEST_RETRY_POLICY = retryPolicy({ baseDelayMs: 0, maxDelayMs: 0, conflictDelayMs: 0 });
/** The sample catalog's contracts. */
export const CONTRACTS_DIR = resolve(__dirname, '../../../../contracts');

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body (undefined when it is not JSON). */
  readonly body: unknown;
}

export interface RequestOptions {
  /** Serialised as JSON unless `raw` is given. */
  readonly body?: unknown;
  /** Sent as is (malformed JSON, other media types). */
  readonly raw?: string;
  readonly contentType?: string;
  /** API key; `null` sends none. Default: the acme tenant's key. */
  readonly key?: string | null;
  /** More request headers (e.g. `idempotency-key`). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface TestApi {
  readonly url: string;
  /** Counts the DynamoDB requests the stores sent (reset it to measure one step). */
  readonly counter: RequestCounter;
  /** The stores under the API, to set up states the API cannot reach (a half-built version). */
  readonly stores: Stores;
  readonly registry: ContractRegistry;
  /** Every route the server registered, with its auth rule (the list behind /openapi.json). */
  readonly routes: readonly RouteDoc[];
  /** The prefix of this API's DynamoDB table names (to check that no answer ever names them). */
  readonly tablePrefix: string;
  /**
   * The DynamoDB engine and tables under this API (shared when started with `shareStoreWith`). Its
   * client is the plain counting one, without this API's `clientHook`: write items straight into the
   * tables with it.
   */
  readonly dynamo: TestDynamo;
  /** The outbox and deploy jobs under the API (in memory, on the system clock: the deploy routes' own stores). */
  readonly deploys: InMemoryDeploys;
  /** The deploy use cases and task handlers the API runs (a test plays the worker with them). */
  readonly deployServices: DeployServices;
  request(method: string, path: string, options?: RequestOptions): Promise<Answer>;
  /**
   * Fields the routes returned that their response schema does not declare (so the serializer
   * dropped them), as `METHOD url status: /pointer`, since the last call. useTestApi expects none.
   */
  takeUndeclaredFields(): string[];
  /** Stops the DynamoDB engine under the running API (and under every API sharing it): every store request fails from then on. */
  stopStore(): Promise<void>;
  close(): Promise<void>;
}

export interface TestApiOptions {
  readonly readiness?: () => Promise<void>;
  readonly bodyLimitBytes?: number;
  /** Default: the sample catalog. */
  readonly contractsDir?: string;
  /** Default: silent. */
  readonly logger?: FastifyBaseLogger;
  /**
   * Run over the DynamoDB engine and tables of this (running) API instead of fresh ones, as a second
   * process of another code or contract version would (a rolling deploy). The API started first owns
   * the engine: it stops it when it closes. Read at start, so useTestApi's stand-in works here.
   */
  readonly shareStoreWith?: TestApi;
  /**
   * Wraps the DynamoDB client the stores of this API send through (the real engine underneath): a
   * test hook that delays one request, see `holdFirst`. Never a mock: every request reaches dynalite.
   */
  readonly clientHook?: (client: DynamoClientLike) => DynamoClientLike;
  /** The environment the API's sinks are configured from (`PERSONALIZE_WEBHOOK_URL`, …). Default: empty, never the test process's own. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The API over real HTTP on an ephemeral port, on an in-memory dynalite (the real engine) with
 * freshly bootstrapped tables, and the sample catalog's contracts.
 *
 * @throws at once, with the loader's message, when the contracts do not load
 */
export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  // Contracts first: a broken directory must fail before anything is started that would need closing.
  const contractsDir = options.contractsDir ?? CONTRACTS_DIR;
  const registry = await loadContractRegistry(contractsDir).catch((error: unknown) => {
    throw new Error(`Test API: the contracts in ${contractsDir} do not load: ${messageOf(error)}`, { cause: error });
  });
  const owner = options.shareStoreWith;
  const dynamo = owner ? owner.dynamo : await startTestDynamo();
  let dynamoClosed: Promise<void> | undefined;
  const closeDynamo = owner ? () => owner.stopStore() : () => (dynamoClosed ??= dynamo.close());
  const closeOwnDynamo = owner ? async () => undefined : closeDynamo;
  const stores = options.clientHook ? createDynamoStores(options.clientHook(dynamo.client), { tablePrefix: dynamo.tablePrefix }) : dynamo.stores;
  let app: FastifyInstance | undefined;
  let undeclared: string[] = [];
  let address: string;
  const sinks = processSinks({ env: (name) => options.env?.[name], registry, config: loadSinkConfig(options.env ?? {}) });
  const services = createIvmServices({ registry, stores, sinks: sinks.options });
  const deploys = createInMemoryDeploys({ now: () => Date.now() });
  let jobs = 0;
  const deployServices = createDeployServices({
    registry,
    stores,
    ...deploys,
    sinks: services.sinks,
    settings: { leaseMs: TEST_LEASE_MS, maxAttempts: 3, retry: TEST_RETRY_POLICY },
    owner: 'test-api',
    newJobId: () => `job-${++jobs}`,
  });
  try {
    app = buildServer({
      services,
      deploys: deployServices,
      config: {
        apiKeys: new Map([
          [KEY, TENANT],
          [OTHER_KEY, OTHER_TENANT],
        ]),
        adminKeys: new Set([ADMIN_KEY]),
        bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
      },
      ...(options.logger ? { logger: options.logger } : {}),
      readiness: options.readiness ?? (async () => undefined),
      metrics: createMetrics({ dynamoRequests: () => dynamo.counter.snapshot() }),
    });
    app.addHook('preSerialization', async (request, reply, payload) => {
      const schema = (request.routeOptions.schema?.response as Record<string, ResponseSchema> | undefined)?.[reply.statusCode];
      if (schema)
        for (const at of undeclaredFields(schema, payload)) undeclared.push(`${request.method} ${request.routeOptions.url ?? ''} ${reply.statusCode}: ${at}`);
      return payload;
    });
    address = await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    // Whatever was started is closed, so a failed start leaves no handle for jest to wait on.
    await app?.close();
    await sinks.close();
    await closeOwnDynamo();
    throw error;
  }
  const server = app;
  return {
    url: address,
    counter: dynamo.counter,
    stores,
    registry,
    routes: registeredRoutes(server),
    tablePrefix: dynamo.tablePrefix,
    dynamo,
    deploys,
    deployServices,
    async request(method, path, request = {}) {
      const headers: Record<string, string> = { ...request.headers };
      const key = request.key === undefined ? KEY : request.key;
      if (key !== null) headers['authorization'] = `Bearer ${key}`;
      let body: string | undefined;
      if (request.raw !== undefined) body = request.raw;
      else if (request.body !== undefined) body = JSON.stringify(request.body);
      if (body !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
      const response = await fetch(`${address}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        parsed = undefined;
      }
      return { status: response.status, headers: response.headers, text, body: parsed };
    },
    takeUndeclaredFields() {
      const taken = undeclared;
      undeclared = [];
      return taken;
    },
    stopStore: closeDynamo,
    async close() {
      await server.close();
      await sinks.close();
      await closeOwnDynamo();
    },
  };
}

/** Node's own errors (ENOENT) are not `instanceof Error` inside jest's sandbox, so look for a message instead. */
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

/** Sample catalog documents. */
export const brandDoc = (id: string, name: string) => ({ brand_id: id, name });
export const productDoc = (sku: string, brandId: string, extra: Record<string, unknown> = {}) => ({
  sku,
  name: `Product ${sku}`,
  brand_id: brandId,
  category_ids: ['C1'],
  price: 1000,
  currency: 'KRW',
  status: 'ACTIVE',
  ...extra,
});

export const rawPath = (entityType: string, entityId: string, version: number | string, tenant = TENANT) =>
  `/v1/tenants/${tenant}/raw/${entityType}/${entityId}/versions/${version}`;
