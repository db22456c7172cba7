import { type EntityHead, type HeadStore, type RawRecord, type SliceSet, type SlicingState } from '@ivm/domain';
import { type Item, ItemReader, json, n, s } from './codec';
import { entityPk } from './keys';
import { type Requests } from './requests';

/**
 * Entity heads: PK `{tenant}#{entityKey}`, one item per entity. The raw part (`lv` version, `lh`
 * hash, `ld` deleted, `ldata` document) is written only by the raw store's append; the slicing
 * part (`sliced`, `active` slice sets as JSON, `rev` revision) only by `commit`. Each writer sets
 * its own attributes with UpdateItem, so neither overwrites the other.
 */
export class DynamoHeadStore implements HeadStore {
  constructor(
    private readonly requests: Requests,
    private readonly table: string,
  ) {}

  async get(tenantId: string, entityKey: string): Promise<EntityHead | undefined> {
    const item = await this.requests.getItem({ TableName: this.table, Key: { PK: s(entityPk(tenantId, entityKey)) } });
    return item && decodeHead(this.table, item);
  }

  /** BatchGetItem, 100 keys a request. */
  async getMany(tenantId: string, entityKeys: readonly string[]): Promise<ReadonlyMap<string, EntityHead>> {
    const keys = [...new Set(entityKeys)];
    const items = await this.requests.batchGetItems(keys.map((key) => ({ table: this.table, key: { PK: s(entityPk(tenantId, key)) } })));
    const out = new Map<string, EntityHead>();
    items.forEach((item, i) => {
      if (item) out.set(keys[i] as string, decodeHead(this.table, item));
    });
    return out;
  }

  /** UpdateItem of the slicing attributes only, conditional on `rev` (absent counts as 0). */
  async commit(tenantId: string, entityKey: string, expectedRevision: number, state: SlicingState): Promise<boolean> {
    const set = ['rev = :next'];
    const remove: string[] = [];
    const values: Item = { ':expected': n(expectedRevision), ':next': n(expectedRevision + 1) };
    for (const name of ['sliced', 'active'] as const) {
      const value = state[name];
      if (value === undefined) remove.push(name);
      else {
        set.push(`${name} = :${name}`);
        values[`:${name}`] = json(value);
      }
    }
    const result = await this.requests.updateItem({
      TableName: this.table,
      Key: { PK: s(entityPk(tenantId, entityKey)) },
      UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: expectedRevision === 0 ? 'attribute_exists(PK) AND (attribute_not_exists(rev) OR rev = :expected)' : 'rev = :expected',
      ExpressionAttributeValues: values,
    });
    return result.updated;
  }
}

/** The raw part of a head item, as the record it copies. */
export function headLatest(table: string, item: Item): RawRecord {
  const read = new ItemReader(table, item);
  return {
    tenantId: read.string('tenantId'),
    entityKey: read.string('entityKey'),
    version: read.number('lv'),
    hash: read.string('lh'),
    deleted: read.boolean('ld'),
    data: read.jsonObjectOrNull('ldata'),
  };
}

export function decodeHead(table: string, item: Item): EntityHead {
  const read = new ItemReader(table, item);
  const latest = headLatest(table, item);
  return {
    tenantId: latest.tenantId,
    entityKey: latest.entityKey,
    latest,
    ...(read.has('sliced') ? { sliced: read.json<SliceSet>('sliced') } : {}),
    ...(read.has('active') ? { active: read.json<SliceSet>('active') } : {}),
    revision: read.has('rev') ? read.number('rev') : 0,
  };
}
