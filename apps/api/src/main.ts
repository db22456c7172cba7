import { resolve } from 'node:path';
import { loadContractRegistry } from '@ivm/adapters-fs';
import { createIvmServices } from '@ivm/application';
import { type FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { type ApiConfig, ConfigError, DEV_API_KEY, DEV_TENANT, loadConfig } from './config';
import { createMetrics } from './metrics';
import { buildServer } from './server';
import { sinkOptions } from './sinks';
import { openStorage } from './storage';

/** The API process: config → contracts → storage → server, and a graceful shutdown. */
async function main(): Promise<void> {
  const config = readConfigOrExit();
  const logger: FastifyBaseLogger = pino({ level: config.logLevel });
  if (config.usingDevKey)
    logger.warn(
      { apiKey: DEV_API_KEY, tenant: DEV_TENANT },
      `IVM_API_KEYS is not set: accepting the development key "${DEV_API_KEY}" for tenant "${DEV_TENANT}" only`,
    );

  const contractsDir = resolve(config.contractsDir);
  const registry = await loadContractRegistry(contractsDir).catch((error: unknown) => {
    throw new ConfigError('IVM_CONTRACTS_DIR', `(${contractsDir}) cannot be loaded: ${error instanceof Error ? error.message : String(error)}`);
  });
  logger.info({ contractsDir, contracts: registry.list().length }, 'contracts loaded');

  const storage = await openStorage(config, logger);
  const services = createIvmServices({ registry, stores: storage.stores, sinks: sinkOptions((name) => process.env[name]) });
  for (const sinkId of services.sinks.ids()) {
    const availability = services.sinks.availability(sinkId);
    if (!availability.configured) logger.warn({ sink: sinkId, ...availability }, `sink ${sinkId} is not configured: ${availability.reason}`);
  }
  const app = buildServer({
    services,
    config,
    logger,
    readiness: () => storage.readiness(),
    metrics: createMetrics({ dynamoRequests: () => storage.counter.snapshot() }),
  });

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    try {
      await app.close();
      await storage.close();
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

function readConfigOrExit(): ApiConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Invalid configuration: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? `Invalid configuration: ${error.message}`
      : `Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
