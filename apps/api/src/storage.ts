import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { bootstrapTables, checkTables, createDynamoClient, createDynamoStores, RequestCounter, startDynalite } from '@ivm/adapters-dynamodb';
import { type Stores } from '@ivm/domain';
import { type FastifyBaseLogger } from 'fastify';
import { type ApiConfig } from './config';

export interface Storage {
  readonly stores: Stores;
  /** Requests the stores sent, by operation (for /metrics). */
  readonly counter: RequestCounter;
  /** Throws when a table is missing or the engine does not answer (for /readyz). */
  readiness(): Promise<void>;
  close(): Promise<void>;
}

/**
 * DynamoDB at `DYNAMODB_ENDPOINT` when set; otherwise dynalite in this process, on disk under
 * IVM_DATA_DIR (or in memory for `:memory:`). Tables are bootstrapped either way (idempotent).
 */
export async function openStorage(config: ApiConfig, logger: FastifyBaseLogger): Promise<Storage> {
  let embedded: { endpoint: string; close(): Promise<void> } | undefined;
  let endpoint = config.dynamoEndpoint;
  if (endpoint === undefined) {
    const inMemory = config.dataDir === ':memory:';
    const path = inMemory ? undefined : resolve(config.dataDir);
    if (path !== undefined) await mkdir(path, { recursive: true });
    embedded = await startDynalite(path === undefined ? {} : { path });
    endpoint = embedded.endpoint;
    logger.info({ endpoint, dataDir: path ?? ':memory:' }, 'started embedded DynamoDB (dynalite)');
  }
  const client = createDynamoClient({ endpoint, region: config.awsRegion, tablePrefix: config.tablePrefix });
  await bootstrapTables(client, config.tablePrefix);
  logger.info({ endpoint, tablePrefix: config.tablePrefix }, 'DynamoDB tables ready');
  const counter = new RequestCounter();
  return {
    stores: createDynamoStores(client, { tablePrefix: config.tablePrefix, counter }),
    counter,
    readiness: () => checkTables(client, config.tablePrefix),
    async close() {
      client.destroy();
      await embedded?.close();
    },
  };
}
