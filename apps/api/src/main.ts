import { resolve } from 'node:path';
import { loadContractRegistry } from '@ivm/adapters-fs';
import {
  assembleServices,
  exitOnStartFailure,
  readConfigOrExit,
  createWorkerMetrics,
  openEngines,
  processOwner,
  startWorker,
  type WorkerHandle,
  workerSettingsFrom,
} from '@ivm/runtime';
import { type FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { loadBootstrapConfig, runBootstrap } from './bootstrap';
import { type ApiMode, ConfigError, DEV_API_KEY, DEV_TENANT, loadConfig } from './config';
import { createMetrics } from './metrics';
import { printOpenApiDocument } from './openapi-document';
import { buildServer } from './server';

/**
 * The API process: config → contracts → engines → server, and a graceful shutdown. `npm start`
 * (mode `start`) runs on embedded engines unless endpoints are set and runs a worker in the
 * process; `npm run api` (mode `api`) is the API alone on shared engines. `npm run bootstrap`
 * (`bootstrap`) is no server: it prepares the shared engines once and exits (see bootstrap.ts), and
 * `npm run openapi` (`openapi`) prints the OpenAPI document of the contracts and exits.
 */
async function main(mode: ApiMode): Promise<void> {
  const config = readConfigOrExit(() => loadConfig(process.env, mode));
  const logger: FastifyBaseLogger = pino({ level: config.logLevel });
  if (config.usingDevKey)
    logger.warn(
      { apiKey: DEV_API_KEY, tenant: DEV_TENANT },
      `IVM_API_KEYS is not set: accepting the development key "${DEV_API_KEY}" for tenant "${DEV_TENANT}" only (also as the admin key)`,
    );

  const contractsDir = resolve(config.contractsDir);
  const registry = await loadContractRegistry(contractsDir).catch((error: unknown) => {
    throw new ConfigError('IVM_CONTRACTS_DIR', `(${contractsDir}) cannot be loaded: ${error instanceof Error ? error.message : String(error)}`);
  });
  logger.info({ contractsDir, contracts: registry.list().length }, 'contracts loaded');

  const engines = await openEngines(config, { logger, applicationName: 'ivm-api', poolSize: 10 + (mode === 'start' ? config.worker.concurrency : 0) });
  logger.info({ dynamodb: engines.where.dynamo, postgres: engines.where.postgres }, 'engines ready');
  const owner = processOwner(mode === 'start' ? 'start' : 'api');
  const metrics = createMetrics({ dynamoRequests: () => engines.counter.snapshot() });
  const assembled = assembleServices({
    registry,
    engines,
    env: (name) => process.env[name],
    task: config.worker,
    sinks: config.sinks,
    owner,
    metrics: metrics.registry,
  });
  const { services, deploys } = assembled;
  for (const id of services.sinks.ids()) {
    const availability = services.sinks.availability(id);
    if (!availability.configured) logger.info({ sink: id, reason: availability.reason }, `sink ${id} is not configured: deploys naming it answer 422`);
  }
  const app = buildServer({ services, deploys, config, logger, readiness: () => engines.readiness(), metrics });
  let worker: WorkerHandle | undefined;
  if (mode === 'start') {
    const settings = workerSettingsFrom(config.worker, owner);
    // The worker's metrics join the API's /metrics.
    const workerMetrics = createWorkerMetrics({ registry: metrics.registry });
    worker = await startWorker({ outbox: engines.outbox, wakeups: engines.wakeups, handlers: deploys.handlers, settings, logger, metrics: workerMetrics });
    logger.info({ owner, concurrency: settings.concurrency }, 'in-process worker started (npm run worker starts more, on the same engines)');
  }

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests and tasks');
    try {
      await app.close();
      const report = await worker?.stop();
      if (report) logger.info(report, 'worker stopped');
      await assembled.close();
      await engines.close();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, (s) => void stop(s));

  await app.listen({ port: config.port, host: config.host });
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  logger.info({ url }, `IVM API listening on ${url}`);
  if (config.usingDevKey) logger.info(`try: curl -H "Authorization: Bearer ${DEV_API_KEY}" ${url}/v1/contracts`);
}

if (process.argv[2] === 'openapi') {
  // `npm run openapi [dir]`: the document for a contract directory, on stdout, for client generators.
  const contractsDir = resolve(process.argv[3] ?? process.env['IVM_CONTRACTS_DIR'] ?? 'contracts');
  printOpenApiDocument(contractsDir, (text) => process.stdout.write(text)).then(() => process.exit(0), exitOnStartFailure);
} else if (process.argv[2] === 'bootstrap') {
  const config = readConfigOrExit(() => loadBootstrapConfig(process.env));
  // An explicit exit: a one-shot step must never linger on a handle someone left open.
  runBootstrap(config).then(() => process.exit(0), exitOnStartFailure);
} else {
  const mode: ApiMode = process.argv[2] === 'api' ? 'api' : 'start';
  main(mode).catch(exitOnStartFailure);
}
