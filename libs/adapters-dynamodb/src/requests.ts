import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type BatchWriteItemCommandInput,
  type BatchWriteItemCommandOutput,
  GetItemCommand,
  type GetItemCommandInput,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { StoreUnavailableError } from '@ivm/domain';
import { countingClient, type DynamoClientLike } from './client';
import { type Item } from './codec';
import { backoffMs, mapLimit, sleep } from './concurrency';
import { type RequestCounter } from './counter';
import { isConditionalCheckFailed, translateRequestError } from './errors';

/** BatchWriteItem's limit of requests per call. */
const BATCH_WRITE_SIZE = 25;
/** Batches of one write in flight at once. */
const PARALLEL_BATCHES = 4;
/** BatchGetItem's limit of keys per call. */
const BATCH_GET_SIZE = 100;
/** Consecutive batch calls that processed nothing before giving up (with backoff between). */
const MAX_STALLED_ROUNDS = 10;

/** One key to read in a batched read, in a table. */
export interface TableKey {
  readonly table: string;
  readonly key: Item;
}

/**
 * The client every store sends through: counted when a counter is given, and with unexpected
 * SDK failures turned into the port's errors (the SDK has already retried throttling and 5xx by
 * then). Only the operations below exist here: there is deliberately no Scan.
 */
export class Requests {
  private readonly client: DynamoClientLike;

  constructor(client: DynamoClientLike, counter?: RequestCounter) {
    this.client = counter ? countingClient(client, counter) : client;
  }

  /** GetItem, strongly consistent: the engine decides on what it reads. */
  async getItem(input: Omit<GetItemCommandInput, 'ConsistentRead'>): Promise<Item | undefined> {
    try {
      return (await this.client.send(new GetItemCommand({ ...input, ConsistentRead: true }))).Item;
    } catch (error) {
      throw translateRequestError('GetItem', error);
    }
  }

  /**
   * Items at many keys, over any tables, strongly consistent: one BatchGetItem per 100 distinct
   * keys, UnprocessedKeys asked again with backoff. Aligned with `keys` (undefined: no item).
   */
  async batchGetItems(keys: readonly TableKey[]): Promise<(Item | undefined)[]> {
    const ids = keys.map(({ table, key }) => `${table}\u0000${keyId(key)}`);
    const distinct = [...new Map(keys.map((k, i) => [ids[i] as string, k])).values()];
    const found = new Map<string, Item>();
    for (let at = 0; at < distinct.length; at += BATCH_GET_SIZE) {
      let pending: Record<string, { Keys: Item[]; ConsistentRead: true }> = {};
      for (const { table, key } of distinct.slice(at, at + BATCH_GET_SIZE)) (pending[table] ??= { Keys: [], ConsistentRead: true }).Keys.push(key);
      for (let stalled = 0; Object.keys(pending).length > 0;) {
        let output;
        try {
          output = await this.client.send(new BatchGetItemCommand({ RequestItems: pending }));
        } catch (error) {
          throw translateRequestError('BatchGetItem', error);
        }
        for (const [table, items] of Object.entries(output.Responses ?? {})) for (const item of items) found.set(`${table}\u0000${keyId(keyOf(item))}`, item);
        const unprocessed = output.UnprocessedKeys ?? {};
        const left = Object.values(unprocessed).reduce((sum, r) => sum + (r.Keys?.length ?? 0), 0);
        if (left === 0) break;
        const asked = Object.values(pending).reduce((sum, r) => sum + r.Keys.length, 0);
        stalled = left < asked ? 0 : stalled + 1;
        if (stalled >= MAX_STALLED_ROUNDS)
          throw new StoreUnavailableError('BatchGetItem', `${left} key(s) stayed unprocessed for ${MAX_STALLED_ROUNDS} attempts`);
        pending = Object.fromEntries(Object.entries(unprocessed).map(([table, r]) => [table, { Keys: r.Keys ?? [], ConsistentRead: true as const }]));
        await sleep(backoffMs(stalled));
      }
    }
    return ids.map((id) => found.get(id));
  }

  /** PutItem; resolves false when its ConditionExpression failed (the one failure translated). */
  async putItem(input: PutItemCommandInput): Promise<boolean> {
    try {
      await this.client.send(new PutItemCommand(input));
      return true;
    } catch (error) {
      if (input.ConditionExpression !== undefined && isConditionalCheckFailed(error)) return false;
      throw translateRequestError('PutItem', error);
    }
  }

  /** UpdateItem; `{updated: false}` when its ConditionExpression failed, else the attributes asked for by ReturnValues. */
  async updateItem(input: UpdateItemCommandInput): Promise<{ updated: true; attributes: Item | undefined } | { updated: false }> {
    try {
      return { updated: true, attributes: (await this.client.send(new UpdateItemCommand(input))).Attributes };
    } catch (error) {
      if (input.ConditionExpression !== undefined && isConditionalCheckFailed(error)) return { updated: false };
      throw translateRequestError('UpdateItem', error);
    }
  }

  /** One Query page, strongly consistent. */
  async query(input: Omit<QueryCommandInput, 'ConsistentRead'>): Promise<QueryCommandOutput> {
    try {
      return await this.client.send(new QueryCommand({ ...input, ConsistentRead: true }));
    } catch (error) {
      throw translateRequestError('Query', error);
    }
  }

  async batchWriteItem(input: BatchWriteItemCommandInput): Promise<BatchWriteItemCommandOutput> {
    try {
      return await this.client.send(new BatchWriteItemCommand(input));
    } catch (error) {
      throw translateRequestError('BatchWriteItem', error);
    }
  }

  /** Unconditional puts of whole items into one table (see `batchWrite`). */
  async batchWriteAll(table: string, items: readonly Item[]): Promise<void> {
    await this.batchWrite(
      table,
      items.map((item) => ({ PutRequest: { Item: item } })),
    );
  }

  /**
   * Unconditional puts and deletes in chunks of 25, a few chunks in parallel; UnprocessedItems
   * are resent with backoff until none remain, giving up only after rounds in a row that made no
   * progress. The caller's requests must not name one key twice.
   */
  async batchWrite(table: string, requests: readonly WriteRequest[]): Promise<void> {
    const chunks: WriteRequest[][] = [];
    for (let at = 0; at < requests.length; at += BATCH_WRITE_SIZE) chunks.push(requests.slice(at, at + BATCH_WRITE_SIZE));
    await mapLimit(chunks, PARALLEL_BATCHES, (chunk) => this.writeChunk(table, chunk));
  }

  private async writeChunk(table: string, chunk: WriteRequest[]): Promise<void> {
    let pending = chunk;
    let stalled = 0;
    for (;;) {
      const result = await this.batchWriteItem({ RequestItems: { [table]: pending } });
      const unprocessed = result.UnprocessedItems?.[table] ?? [];
      if (unprocessed.length === 0) return;
      stalled = unprocessed.length < pending.length ? 0 : stalled + 1;
      if (stalled >= MAX_STALLED_ROUNDS)
        throw new StoreUnavailableError('BatchWriteItem', `${unprocessed.length} write(s) stayed unprocessed for ${MAX_STALLED_ROUNDS} attempts`);
      pending = unprocessed;
      await sleep(backoffMs(stalled));
    }
  }
}

/** The key attributes of an item: every table here is keyed by PK, most with an SK. */
function keyOf(item: Item): Item {
  return item['SK'] === undefined ? { PK: item['PK'] as Item[string] } : { PK: item['PK'] as Item[string], SK: item['SK'] };
}

/** A key's identity: its attributes in name order (PK, SK). */
export function keyId(key: Item): string {
  return Object.keys(key)
    .sort()
    .map((name) => `${key[name]?.S ?? key[name]?.N ?? ''}`)
    .join('\u0000');
}
