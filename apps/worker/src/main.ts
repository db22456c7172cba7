import { openPostgres } from '@ivm/adapters-postgres';
import type { TaskHandlers } from '@ivm/application';
import pino, { type Logger } from 'pino';
import { ConfigError, loadWorkerConfig, type WorkerConfig } from './config';
import { runWorkerProcess, type OrchestrationStores } from './process';

/** The worker process: config → handlers → stores → runtime, health and metrics; SIGTERM/SIGINT shut it down gracefully. */
async function main(): Promise<void> {
  const config = readConfigOrExit();
  const logger = pino({ level: config.logLevel });
  const handlers = deployHandlers(config);
  const stores = await openOrchestrationStores(config, logger);
  await runWorkerProcess({ config, stores, handlers, logger });
}

/**
 * The deploy task handlers (COMPILE_TASK, SHIP_TASK) this process runs: wire `deployTaskHandlers`
 * from @ivm/application here, on DynamoDB at `config.dynamoEndpoint`, enqueueing follow-ups
 * with `config.maxAttempts`.
 */
function deployHandlers(config: WorkerConfig): TaskHandlers {
  void config;
  throw new Error('the deploy task handlers are not wired into the worker yet (deployHandlers in apps/worker/src/main.ts)');
}

// The outbox and its wake-ups on PostgreSQL (migrated on open); failures outside any call are logged, the adapter recovers from them.
async function openOrchestrationStores(config: WorkerConfig, logger: Logger): Promise<OrchestrationStores> {
  const postgres = await openPostgres({
    connectionString: config.databaseUrl,
    poolSize: Math.min(50, config.concurrency + 4),
    applicationName: 'ivm-worker',
    onError: (err) => logger.warn({ err }, 'PostgreSQL connection problem (recovering)'),
  });
  return { outbox: postgres.outbox, wakeups: postgres.wakeups, close: () => postgres.close() };
}

function readConfigOrExit(): WorkerConfig {
  try {
    return loadWorkerConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Invalid configuration: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
