import { BatchWriteItemCommand, type BatchWriteItemCommandOutput, QueryCommand } from '@aws-sdk/client-dynamodb';
import { bootstrapTables } from './bootstrap';
import { countingClient, createDynamoClient, type DynamoClientLike } from './client';
import { RequestCounter } from './counter';
import { createDynamoStores } from './dynamo-stores';
import { startDynalite, type EmbeddedDynamo } from './embedded';

type Send = (command: object) => Promise<unknown>;

/**
 * A client that behaves like a busy DynamoDB: BatchWriteItem processes one request per call and
 * returns the rest as UnprocessedItems; Query pages stop after 2 items whatever the Limit (as a
 * 1 MB page would), with a LastEvaluatedKey.
 */
function stingyClient(inner: DynamoClientLike): DynamoClientLike {
  const send = inner.send.bind(inner) as Send;
  const stingy: Send = async (command) => {
    if (command instanceof BatchWriteItemCommand) {
      const [table, requests] = Object.entries(command.input.RequestItems ?? {})[0] ?? ['', []];
      const [first, ...rest] = requests;
      if (first) await send(new BatchWriteItemCommand({ RequestItems: { [table]: [first] } }));
      return { UnprocessedItems: rest.length > 0 ? { [table]: rest } : {}, $metadata: {} } satisfies BatchWriteItemCommandOutput;
    }
    if (command instanceof QueryCommand) return send(new QueryCommand({ ...command.input, Limit: Math.min(2, command.input.Limit ?? 2) }));
    return send(command);
  };
  return { send: stingy } as DynamoClientLike;
}

describe('DynamoIndexStore under partial batches and short pages', () => {
  let engine: EmbeddedDynamo | undefined;
  const client = (): ReturnType<typeof createDynamoClient> => createDynamoClient({ endpoint: engine?.endpoint ?? '', region: 'local', tablePrefix: '' });

  beforeAll(async () => {
    engine = await startDynalite();
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('retries unprocessed batch items and follows LastEvaluatedKey to fill a page', async () => {
    const real = client();
    try {
      await bootstrapTables(real, 'stingy-');
      const counter = new RequestCounter();
      const { index } = createDynamoStores(countingClient(stingyClient(real), counter), { tablePrefix: 'stingy-' });
      const keys = Array.from({ length: 30 }, (_, i) => `product#P${String(i).padStart(2, '0')}`);
      await index.add(
        'acme',
        keys.map((entityKey) => ({ indexKey: 'IDX#brand#B1#product', entityKey })),
      );
      // 30 entries = chunks of 25 and 5; each call lands one item, so 30 calls in all.
      expect(counter.count('BatchWriteItem')).toBe(30);

      counter.reset();
      const page = await index.lookup('acme', 'IDX#brand#B1#product', { limit: 7, after: 'product#P03' });
      expect(page).toEqual({ entityKeys: keys.slice(4, 11), next: 'product#P10' });
      // 8 keys wanted (7 + 1 to know more remain), 2 per page.
      expect(counter.snapshot()).toEqual({ Query: 4 });

      await index.remove(
        'acme',
        keys.slice(0, 28).map((entityKey) => ({ indexKey: 'IDX#brand#B1#product', entityKey })),
      );
      await expect(index.lookup('acme', 'IDX#brand#B1#product', { limit: 7 })).resolves.toEqual({ entityKeys: keys.slice(28) });
      expect(counter.count('Scan')).toBe(0);
    } finally {
      real.destroy();
    }
  });
});
