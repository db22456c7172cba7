// Test-only helpers (`@ivm/adapters-dynamodb/testing`): never imported by production code.
import { randomUUID } from 'node:crypto';
import { bootstrapTables } from '../src/bootstrap';
import { countingClient, createDynamoClient, type DynamoClientLike } from '../src/client';
import { RequestCounter } from '../src/counter';
import { createDynamoStores, type DynamoStores } from '../src/dynamo-stores';
import { startDynalite } from '../src/embedded';

export interface TestDynamo {
  /** Counting client (every request it sends lands in `counter`). */
  readonly client: DynamoClientLike;
  readonly stores: DynamoStores;
  readonly counter: RequestCounter;
  readonly endpoint: string;
  readonly tablePrefix: string;
  close(): Promise<void>;
}

/**
 * In-memory dynalite with freshly bootstrapped tables under a unique prefix, stores on a
 * counting client (reset after the bootstrap, so counts start at zero), and a close that
 * releases both the client and the engine.
 */
export async function startTestDynamo(): Promise<TestDynamo> {
  const engine = await startDynalite();
  const raw = createDynamoClient({ endpoint: engine.endpoint, region: 'local', tablePrefix: '' });
  const counter = new RequestCounter();
  const client = countingClient(raw, counter);
  const tablePrefix = `t${randomUUID().slice(0, 8)}-`;
  await bootstrapTables(client, tablePrefix);
  counter.reset();
  return {
    client,
    stores: createDynamoStores(client, { tablePrefix }),
    counter,
    endpoint: engine.endpoint,
    tablePrefix,
    close: async () => {
      raw.destroy();
      await engine.close();
    },
  };
}
