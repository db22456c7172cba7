import {
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
} from '@aws-sdk/client-dynamodb';
import { countingClient, type DynamoClientLike } from './client';
import { type Item } from './codec';
import { type RequestCounter } from './counter';
import { DynamoStoreError, isConditionalCheckFailed } from './errors';

/**
 * The client every store sends through: counted when a counter is given, and with unexpected
 * SDK failures wrapped in DynamoStoreError (the SDK has already retried throttling and 5xx by
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
      throw new DynamoStoreError('GetItem', error);
    }
  }

  /** PutItem; resolves false when its ConditionExpression failed (the one failure translated). */
  async putItem(input: PutItemCommandInput): Promise<boolean> {
    try {
      await this.client.send(new PutItemCommand(input));
      return true;
    } catch (error) {
      if (input.ConditionExpression !== undefined && isConditionalCheckFailed(error)) return false;
      throw new DynamoStoreError('PutItem', error);
    }
  }

  /** One Query page, strongly consistent. */
  async query(input: Omit<QueryCommandInput, 'ConsistentRead'>): Promise<QueryCommandOutput> {
    try {
      return await this.client.send(new QueryCommand({ ...input, ConsistentRead: true }));
    } catch (error) {
      throw new DynamoStoreError('Query', error);
    }
  }

  async batchWriteItem(input: BatchWriteItemCommandInput): Promise<BatchWriteItemCommandOutput> {
    try {
      return await this.client.send(new BatchWriteItemCommand(input));
    } catch (error) {
      throw new DynamoStoreError('BatchWriteItem', error);
    }
  }
}
