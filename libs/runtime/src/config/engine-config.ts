import { type Env, httpUrl, matching, postgresUrl, text } from './env';

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
