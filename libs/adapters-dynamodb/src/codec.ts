import { type AttributeValue } from '@aws-sdk/client-dynamodb';
import { type Json, type JsonObject } from '@ivm/domain';
import { DynamoItemShapeError } from './errors';

/**
 * Attribute encoding. Payloads (documents, slice data, change lists, input vectors, contract
 * refs) are stored as JSON strings, not native maps: a string round-trips every JSON value
 * exactly (empty maps and arrays, 0.1, 1e21, unicode keys) and DynamoDB never needs to look
 * inside them. Key parts and scalars the tables sort or condition on (hash, versions) are
 * native attributes.
 */
export type Item = Record<string, AttributeValue>;

export const s = (value: string): AttributeValue => ({ S: value });
export const n = (value: number): AttributeValue => ({ N: String(value) });
export const bool = (value: boolean): AttributeValue => ({ BOOL: value });
export const json = (value: Json | object): AttributeValue => ({ S: JSON.stringify(value) });

/** Reads typed attributes of one item, naming the table and attribute when one is missing. */
export class ItemReader {
  constructor(
    private readonly table: string,
    private readonly item: Item,
  ) {}

  string(name: string): string {
    const value = this.item[name]?.S;
    if (value === undefined) throw new DynamoItemShapeError(this.table, name);
    return value;
  }

  number(name: string): number {
    const value = Number(this.item[name]?.N);
    if (!Number.isFinite(value)) throw new DynamoItemShapeError(this.table, name);
    return value;
  }

  boolean(name: string): boolean {
    const value = this.item[name]?.BOOL;
    if (value === undefined) throw new DynamoItemShapeError(this.table, name);
    return value;
  }

  json<T>(name: string): T {
    return JSON.parse(this.string(name)) as T;
  }

  /** A JSON object attribute, or null when the attribute is absent (tombstones carry no data). */
  jsonObjectOrNull(name: string): JsonObject | null {
    return this.item[name] === undefined ? null : this.json<JsonObject>(name);
  }
}
