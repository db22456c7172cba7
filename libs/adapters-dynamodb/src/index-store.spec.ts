import { BatchWriteItemCommand, type BatchWriteItemCommandOutput, QueryCommand, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { type IndexPage } from '@ivm/domain';
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

/** Adds up the items every Query returns, to bound what one lookup reads. */
function readCountingClient(inner: DynamoClientLike, reads: { items: number }): DynamoClientLike {
  const send = inner.send.bind(inner) as Send;
  const counted: Send = async (command) => {
    const output = await send(command);
    if (command instanceof QueryCommand) reads.items += ((output as QueryCommandOutput).Items ?? []).length;
    return output;
  };
  return { send: counted } as DynamoClientLike;
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

  // The look-ahead (one key more than the page) is what tells a full last page from one with more
  // behind it: without it a page of exactly `limit` keys gets no `next` and fan-out stops there.
  it.each([
    ['full Query pages', 'ahead-full-', false],
    ['short Query pages', 'ahead-short-', true],
  ])('exactly limit or limit×2 keys give full pages, next on all but the last, one key of look-ahead read (%s)', async (_name, prefix, short) => {
    const real = client();
    try {
      await bootstrapTables(real, prefix);
      const reads = { items: 0 };
      const counter = new RequestCounter();
      const { index } = createDynamoStores(countingClient(readCountingClient(short ? stingyClient(real) : real, reads), counter), { tablePrefix: prefix });
      for (const limit of [1, 2, 3, 4, 5]) {
        for (const pageCount of [1, 2]) {
          const indexKey = `IDX#brand#L${limit}x${pageCount}#product`;
          const keys = Array.from({ length: limit * pageCount }, (_, i) => `product#P${String(i).padStart(2, '0')}`);
          await index.add(
            'acme',
            keys.map((entityKey) => ({ indexKey, entityKey })),
          );
          const expected: IndexPage[] = Array.from({ length: pageCount }, (_, p) => {
            const entityKeys = keys.slice(p * limit, (p + 1) * limit);
            return p < pageCount - 1 ? { entityKeys, next: entityKeys[limit - 1] as string } : { entityKeys };
          });
          const walked: IndexPage[] = [];
          const read: number[] = [];
          let after: string | undefined;
          counter.reset();
          do {
            reads.items = 0;
            const page = await index.lookup('acme', indexKey, after === undefined ? { limit } : { limit, after });
            walked.push(page);
            read.push(reads.items);
            after = page.next;
          } while (after !== undefined && walked.length <= pageCount);
          expect({ limit, pageCount, walked }).toEqual({ limit, pageCount, walked: expected });
          // Each lookup reads its page and one key more when there is one (on full Query pages, in one request).
          expect({ limit, pageCount, read }).toEqual({ limit, pageCount, read: expected.map((_, p) => Math.min((pageCount - p) * limit, limit + 1)) });
          if (!short) expect({ limit, pageCount, queries: counter.count('Query') }).toEqual({ limit, pageCount, queries: pageCount });
        }
      }
    } finally {
      real.destroy();
    }
  });
});
