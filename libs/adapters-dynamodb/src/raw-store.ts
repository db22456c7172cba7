import { type PutIfAbsentResult, type RawRecord, type RawStore } from '@ivm/domain';
import { bool, type Item, ItemReader, json, n, s } from './codec';
import { MAX_PARALLEL_REQUESTS, mapLimit } from './concurrency';
import { entityPk } from './keys';
import { putIfAbsent } from './put-if-absent';
import { type Requests } from './requests';

/** Raw versions: PK `{tenant}#{entityKey}`, SK version (N); immutable by `attribute_not_exists`. */
export class DynamoRawStore implements RawStore {
  constructor(
    private readonly requests: Requests,
    private readonly table: string,
  ) {}

  async putIfAbsent(record: RawRecord): Promise<PutIfAbsentResult<RawRecord>> {
    return putIfAbsent(
      this.requests,
      this.table,
      this.encode(record),
      () => this.get(record.tenantId, record.entityKey, record.version),
      `${record.entityKey} version ${record.version}`,
    );
  }

  async get(tenantId: string, entityKey: string, version: number): Promise<RawRecord | undefined> {
    const item = await this.requests.getItem({ TableName: this.table, Key: { PK: s(entityPk(tenantId, entityKey)), SK: n(version) } });
    return item && this.decode(item);
  }

  async latest(tenantId: string, entityKey: string): Promise<RawRecord | undefined> {
    const page = await this.requests.query({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': s(entityPk(tenantId, entityKey)) },
      ScanIndexForward: false,
      Limit: 1,
    });
    const item = page.Items?.[0];
    return item && this.decode(item);
  }

  /** One Query: `SK < :v`, newest first, Limit 1. */
  async latestBelow(tenantId: string, entityKey: string, version: number): Promise<RawRecord | undefined> {
    const page = await this.requests.query({
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk AND SK < :v',
      ExpressionAttributeValues: { ':pk': s(entityPk(tenantId, entityKey)), ':v': n(version) },
      ScanIndexForward: false,
      Limit: 1,
    });
    const item = page.Items?.[0];
    return item && this.decode(item);
  }

  /** One `latest` Query per distinct key, in parallel (bounded): "newest version" is not a BatchGetItem. */
  async latestMany(tenantId: string, entityKeys: readonly string[]): Promise<ReadonlyMap<string, RawRecord>> {
    const keys = [...new Set(entityKeys)];
    const records = await mapLimit(keys, MAX_PARALLEL_REQUESTS, (key) => this.latest(tenantId, key));
    const out = new Map<string, RawRecord>();
    keys.forEach((key, i) => {
      const record = records[i];
      if (record) out.set(key, record);
    });
    return out;
  }

  private encode(record: RawRecord): Item {
    const item: Item = {
      PK: s(entityPk(record.tenantId, record.entityKey)),
      SK: n(record.version),
      tenantId: s(record.tenantId),
      entityKey: s(record.entityKey),
      hash: s(record.hash),
      deleted: bool(record.deleted),
    };
    if (record.data !== null) item['data'] = json(record.data);
    return item;
  }

  private decode(item: Item): RawRecord {
    const read = new ItemReader(this.table, item);
    return {
      tenantId: read.string('tenantId'),
      entityKey: read.string('entityKey'),
      version: read.number('SK'),
      hash: read.string('hash'),
      deleted: read.boolean('deleted'),
      data: read.jsonObjectOrNull('data'),
    };
  }
}
