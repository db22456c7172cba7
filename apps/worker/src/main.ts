import { resolve } from 'node:path';
import { loadContractRegistry } from '@ivm/adapters-fs';
import { assembleServices, exitOnStartFailure, readConfigOrExit, ConfigError, openEngines, processOwner } from '@ivm/runtime';
import pino from 'pino';
import { Registry } from 'prom-client';
import { loadWorkerConfig } from './config';
import { runWorkerProcess } from './process';

/** The worker process: config → contracts → engines → deploy task handlers → runtime, health and metrics; SIGTERM/SIGINT shut it down gracefully. */
async function main(): Promise<void> {
  const config = readConfigOrExit(() => loadWorkerConfig(process.env));
  const logger = pino({ level: config.logLevel });
  const contractsDir = resolve(config.contractsDir);
  const registry = await loadContractRegistry(contractsDir).catch((error: unknown) => {
    throw new ConfigError('IVM_CONTRACTS_DIR', `(${contractsDir}) cannot be loaded: ${error instanceof Error ? error.message : String(error)}`);
  });
  const engines = await openEngines(config, { logger, applicationName: 'ivm-worker', poolSize: Math.min(50, config.concurrency + 4) });
  const owner = processOwner('worker');
  // One registry for the worker's and the sinks' metrics, served on /metrics.
  const metrics = new Registry();
  const assembled = assembleServices({ registry, engines, env: (name) => process.env[name], task: config, sinks: config.sinks, owner, metrics });
  const { deploys, services } = assembled;
  for (const id of services.sinks.ids()) {
    const availability = services.sinks.availability(id);
    if (!availability.configured) logger.warn({ sink: id, reason: availability.reason }, `sink ${id} is not configured: its tasks fail until it is`);
  }
  logger.info({ dynamodb: engines.where.dynamo, postgres: engines.where.postgres, contracts: registry.list().length }, 'worker engines ready');
  const stores = {
    outbox: engines.outbox,
    wakeups: engines.wakeups,
    close: async () => {
      await assembled.close();
      await engines.close();
    },
  };
  await runWorkerProcess({ config, stores, handlers: deploys.handlers, logger, owner, metrics });
}

main().catch(exitOnStartFailure);
