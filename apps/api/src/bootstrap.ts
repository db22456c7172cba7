import { bootstrapEngines, type BootstrapReport, type Env, LOG_LEVELS, loadSharedEngineConfig, oneOf, type SharedEngineConfig } from '@ivm/runtime';
import pino from 'pino';

/** `npm run bootstrap`'s settings: the shared engines (both required) and the log level. */
export interface BootstrapSettings extends SharedEngineConfig {
  readonly logLevel: string;
}

/** @throws ConfigError naming the missing variables, or the first one that is wrong */
export function loadBootstrapConfig(env: Env): BootstrapSettings {
  return {
    ...loadSharedEngineConfig(env, 'npm run bootstrap prepares a shared DynamoDB and PostgreSQL (npm start bootstraps its embedded ones itself)'),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
  };
}

/**
 * `npm run bootstrap` (`main.ts bootstrap`; the compose file's one-shot `bootstrap` service): creates
 * the DynamoDB tables and migrates PostgreSQL, idempotently, then answers what it made sure of.
 * The caller exits 0 after it, 1 on any failure.
 */
export async function runBootstrap(config: BootstrapSettings): Promise<BootstrapReport> {
  const logger = pino({ level: config.logLevel });
  const report = await bootstrapEngines(config, { logger });
  logger.info({ tables: report.tables.length, migrations: report.migrations.length }, 'bootstrap complete');
  return report;
}
