import { type AttributeValue } from '@aws-sdk/client-dynamodb';
import { ItemTooLargeError, type Json, type JsonObject, StoreCorruptItemError } from '@ivm/domain';
import { MAX_ITEM_BYTES } from './errors';

/**
 * Attribute encoding. Payloads (documents, slice data, change lists, input vectors, contract
 * refs, slice sets) are stored as JSON strings, not native maps: a string round-trips every JSON
 * value exactly (empty maps and arrays, 0.1, 1e21, unicode keys) and DynamoDB never needs to look
 * inside them. Key parts and scalars the tables sort or condition on (hash, versions, revision)
 * are native attributes.
 */
export type Item = Record<string, AttributeValue>;

export const s = (value: string): AttributeValue => ({ S: value });
export const n = (value: number): AttributeValue => ({ N: String(value) });
export const bool = (value: boolean): AttributeValue => ({ BOOL: value });
export const json = (value: Json | object): AttributeValue => ({ S: JSON.stringify(value) });

/** Reads typed attributes of one item; anything missing or malformed is a StoreCorruptItemError naming the table and attribute. */
export class ItemReader {
  constructor(
    private readonly table: string,
    private readonly item: Item,
  ) {}

  has(name: string): boolean {
    return this.item[name] !== undefined;
  }

  string(name: string): string {
    const value = this.item[name]?.S;
    if (value === undefined) throw new StoreCorruptItemError(this.table, name);
    return value;
  }

  number(name: string): number {
    const value = Number(this.item[name]?.N);
    if (!Number.isFinite(value)) throw new StoreCorruptItemError(this.table, name);
    return value;
  }

  boolean(name: string): boolean {
    const value = this.item[name]?.BOOL;
    if (value === undefined) throw new StoreCorruptItemError(this.table, name);
    return value;
  }

  json<T>(name: string): T {
    const text = this.string(name);
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new StoreCorruptItemError(this.table, name, { cause: error });
    }
  }

  /** A JSON object attribute, or null when the attribute is absent (tombstones carry no data). */
  jsonObjectOrNull(name: string): JsonObject | null {
    if (!this.has(name)) return null;
    const value = this.json<unknown>(name);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StoreCorruptItemError(this.table, name);
    return value as JsonObject;
  }
}

const utf8 = new TextEncoder();

/** The size DynamoDB bills and limits an item by: attribute names plus values (S in UTF-8, N about a byte per two digits). */
export function itemSize(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    size += utf8.encode(name).length;
    if (value.S !== undefined) size += utf8.encode(value.S).length;
    else if (value.N !== undefined) size += Math.ceil(value.N.length / 2) + 1;
    else if (value.BOOL !== undefined) size += 1;
    else size += utf8.encode(JSON.stringify(value)).length;
  }
  return size;
}

/**
 * Refuses, before anything is sent, an item DynamoDB would refuse: nothing of a too-large record
 * is written. `reserveBytes` keeps room for attributes another item holding the same data adds.
 */
export function assertItemSize(item: Item, what: string, reserveBytes = 0): void {
  const size = itemSize(item);
  if (size > MAX_ITEM_BYTES) throw new ItemTooLargeError(what, size, MAX_ITEM_BYTES);
  if (size + reserveBytes > MAX_ITEM_BYTES) throw new ItemTooLargeError(`${what} (with its head)`, size + reserveBytes, MAX_ITEM_BYTES);
}
