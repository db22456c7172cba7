import { loadContractRegistry } from '@ivm/adapters-fs';
import { createDeployServices, createIvmServices } from '@ivm/application';
import { type ContractRegistry, createInMemoryDeploys, createInMemoryStores, DEFAULT_MAX_ATTEMPTS, retryPolicy } from '@ivm/domain';
import { createMetrics } from './metrics';
import { buildOpenApiDocument, type JsonSchema, registeredRoutes } from './openapi';
import { buildServer } from './server';

/**
 * The /openapi.json an API serving `registry` answers, without a port, an engine or a worker: the
 * server is wired on in-memory stores that no request reaches, and its routes documented as its
 * /openapi.json route does, so what is printed is what is served. For `npm run openapi` (client generators).
 * @throws Error when a contract cannot be expressed in the document
 */
export async function openApiDocument(registry: ContractRegistry): Promise<JsonSchema> {
  const stores = createInMemoryStores();
  const services = createIvmServices({ registry, stores });
  const deploys = createDeployServices({
    registry,
    stores,
    ...createInMemoryDeploys({ now: () => Date.now() }),
    sinks: services.sinks,
    settings: { leaseMs: 30_000, maxAttempts: DEFAULT_MAX_ATTEMPTS, retry: retryPolicy() },
    owner: 'openapi',
    newJobId: () => 'openapi',
  });
  const app = buildServer({
    services,
    deploys,
    config: { apiKeys: new Map(), bodyLimitBytes: 1024 },
    readiness: async () => undefined,
    metrics: createMetrics(),
  });
  try {
    await app.ready();
    // What GET /openapi.json serialises, without a request.
    return JSON.parse(JSON.stringify(buildOpenApiDocument(registeredRoutes(app), registry))) as JsonSchema;
  } finally {
    await app.close();
  }
}

/**
 * Writes the document of the contracts in `contractsDir` as indented JSON (what `npm run openapi`
 * prints); the same contracts give the same bytes.
 * @throws Error when the contracts do not load, or cannot be expressed in the document
 */
export async function printOpenApiDocument(contractsDir: string, write: (text: string) => void): Promise<void> {
  const registry = await loadContractRegistry(contractsDir).catch((error: unknown) => {
    throw new Error(`The contracts in ${contractsDir} cannot be loaded: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  write(`${JSON.stringify(await openApiDocument(registry), null, 2)}\n`);
}
