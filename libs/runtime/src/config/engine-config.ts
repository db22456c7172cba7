import { type Env, httpUrl, matching, postgresUrl, requireSet, text } from './env';

/** Where a process's data and orchestration live: DynamoDB and PostgreSQL, each external or embedded. */
export interface EngineConfig {
  /** Unset: an embedded dynalite under `dataDir` (npm start only). */
  readonly dynamoEndpoint: string | undefined;
  readonly awsRegion: string;
  readonly tablePrefix: string;
  /** Unset: an embedded PostgreSQL under `dataDir/postgres` (npm start only). */
  readonly databaseUrl: string | undefined;
  /** Directory of the embedded engines' data, or `:memory:` (dynalite in memory, PostgreSQL in a temporary directory). */
  readonly dataDir: string;
  readonly contractsDir: string;
}

/** @throws ConfigError */
export function loadEngineConfig(env: Env): EngineConfig {
  return {
    dynamoEndpoint: httpUrl(env, 'DYNAMODB_ENDPOINT'),
    awsRegion: text(env, 'AWS_REGION', 'us-east-1'),
    tablePrefix: matching(env, 'IVM_TABLE_PREFIX', 'ivm_', /^[A-Za-z0-9_.-]{1,200}$/, 'must be letters, digits, "_", "-" or "."'),
    databaseUrl: postgresUrl(env, 'DATABASE_URL'),
    dataDir: text(env, 'IVM_DATA_DIR', '.ivm-data'),
    contractsDir: text(env, 'IVM_CONTRACTS_DIR', 'contracts'),
  };
}

/**
 * What the processes on shared engines refuse to start without: `npm run api`, `npm run worker`
 * and `npm run bootstrap` never start an embedded engine (only `npm start` does). The container
 * checks (`npm run check:docker`) read this list too, so the compose file cannot drift from it.
 */
export const SHARED_ENGINE_VARIABLES: readonly string[] = ['DYNAMODB_ENDPOINT', 'DATABASE_URL'];

/** The engine configuration of a process on shared engines: both endpoints set. */
export type SharedEngineConfig = EngineConfig & { readonly dynamoEndpoint: string; readonly databaseUrl: string };

/** @throws ConfigError naming every missing variable of SHARED_ENGINE_VARIABLES (`why` says who needs them), or the first wrong one */
export function loadSharedEngineConfig(env: Env, why: string): SharedEngineConfig {
  requireSet(env, SHARED_ENGINE_VARIABLES, why);
  const config = loadEngineConfig(env);
  return { ...config, dynamoEndpoint: config.dynamoEndpoint as string, databaseUrl: config.databaseUrl as string };
}
