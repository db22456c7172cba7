import { type IndexEntry, type IndexPage, type IndexStore } from '@ivm/domain';
import { type Item, ItemReader, s } from './codec';
import { indexPk } from './keys';
import { type Requests } from './requests';

/**
 * Inverted index: PK `{tenant}#{indexKey}`, SK entityKey, no other attributes. Adds and removes
 * are unconditional batch puts/deletes, hence idempotent (a re-run after a crash repeats them
 * harmlessly). Lookups are one key's Query, ascending by entity key.
 */
export class DynamoIndexStore implements IndexStore {
  constructor(
    private readonly requests: Requests,
    private readonly table: string,
  ) {}

  async add(tenantId: string, entries: readonly IndexEntry[]): Promise<void> {
    await this.requests.batchWrite(
      this.table,
      distinct(entries).map((entry) => ({ PutRequest: { Item: this.key(tenantId, entry) } })),
    );
  }

  async remove(tenantId: string, entries: readonly IndexEntry[]): Promise<void> {
    await this.requests.batchWrite(
      this.table,
      distinct(entries).map((entry) => ({ DeleteRequest: { Key: this.key(tenantId, entry) } })),
    );
  }

  /**
   * Entity keys after `after`, ascending, at most `limit`; `next` only when more remain. Asks for
   * one key more than the page so "more remain" needs no extra request, and follows
   * LastEvaluatedKey because a Query page may stop early (1 MB) before reaching its Limit.
   */
  async lookup(tenantId: string, indexKey: string, page: { readonly limit: number; readonly after?: string }): Promise<IndexPage> {
    const wanted = page.limit + 1;
    const keys: string[] = [];
    let startKey: Item | undefined;
    do {
      const result = await this.requests.query({
        TableName: this.table,
        KeyConditionExpression: page.after === undefined ? 'PK = :pk' : 'PK = :pk AND SK > :after',
        ExpressionAttributeValues:
          page.after === undefined ? { ':pk': s(indexPk(tenantId, indexKey)) } : { ':pk': s(indexPk(tenantId, indexKey)), ':after': s(page.after) },
        Limit: wanted - keys.length,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      });
      for (const item of result.Items ?? []) keys.push(new ItemReader(this.table, item).string('SK'));
      startKey = result.LastEvaluatedKey;
    } while (startKey !== undefined && keys.length < wanted);
    const entityKeys = keys.slice(0, Math.max(0, page.limit));
    const last = entityKeys[entityKeys.length - 1];
    return keys.length > page.limit && last !== undefined ? { entityKeys, next: last } : { entityKeys };
  }

  private key(tenantId: string, entry: IndexEntry): Item {
    return { PK: s(indexPk(tenantId, entry.indexKey)), SK: s(entry.entityKey) };
  }
}

/** Entries without repeats: one BatchWriteItem may not name the same key twice. */
function distinct(entries: readonly IndexEntry[]): IndexEntry[] {
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const id = `${entry.indexKey}\u0000${entry.entityKey}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
