import { type AppendResult, type RawRecord, type RawStore } from '@ivm/domain';
import { assertItemSize, bool, type Item, ItemReader, json, n, s } from './codec';
import { headLatest } from './head-store';
import { entityPk } from './keys';
import { type Requests } from './requests';

/** Room kept on a head item, beside its copy of the newest document, for the slice sets and keys. */
const HEAD_RESERVE_BYTES = 16 * 1024;

/**
 * Raw versions: PK `{tenant}#{entityKey}`, SK version (N), immutable. The entity's head (heads
 * table) holds a copy of the newest one; `append` goes through it.
 */
export class DynamoRawStore implements RawStore {
  constructor(
    private readonly requests: Requests,
    private readonly table: string,
    private readonly headsTable: string,
  ) {}

  /**
   * Head first, then the record (no transactions: dynalite has none). 1. UpdateItem of the head's
   * raw attributes, conditional on the head's version being older (and, for a deletion, live),
   * returning the old head: this one conditional write is the atomic "newer than the latest"
   * decision. 2. BatchWriteItem of the record item, and of the old head's record again: the head's
   * copy is the only one until step 2 lands, so a crash between the steps is repaired by the next
   * append of the entity (and `get` reads the head's copy meanwhile). Rewriting an immutable
   * record with the same content is harmless.
   */
  async append(record: RawRecord): Promise<AppendResult> {
    const item = this.encode(record);
    const what = `${record.entityKey} version ${record.version}`;
    // The head carries the document too, beside its slice sets.
    assertItemSize(item, what, record.data === null ? 0 : HEAD_RESERVE_BYTES);
    const result = await this.requests.updateItem({
      TableName: this.headsTable,
      Key: { PK: s(entityPk(record.tenantId, record.entityKey)) },
      UpdateExpression:
        'SET tenantId = :tenantId, entityKey = :entityKey, lv = :v, lh = :hash, ld = :deleted' + (record.data === null ? ' REMOVE ldata' : ', ldata = :data'),
      ConditionExpression: record.deleted ? 'attribute_exists(PK) AND lv < :v AND ld = :false' : 'attribute_not_exists(PK) OR lv < :v',
      ExpressionAttributeValues: {
        ':tenantId': s(record.tenantId),
        ':entityKey': s(record.entityKey),
        ':v': n(record.version),
        ':hash': s(record.hash),
        ':deleted': bool(record.deleted),
        ...(record.data === null ? { ':false': bool(false) } : { ':data': json(record.data) }),
      },
      ReturnValues: 'ALL_OLD',
    });
    if (!result.updated) return this.refused(record);
    const previous = result.attributes?.['lv'] === undefined ? undefined : headLatest(this.headsTable, result.attributes);
    await this.requests.batchWriteAll(this.table, [item, ...(previous ? [this.encode(previous)] : [])]);
    return { outcome: 'stored' };
  }

  /** Why the head refused: a record at this version, a newer head, or nothing live to delete. */
  private async refused(record: RawRecord): Promise<AppendResult> {
    const existing = await this.get(record.tenantId, record.entityKey, record.version);
    if (existing) return { outcome: 'exists', existing };
    const head = await this.requests.getItem({ TableName: this.headsTable, Key: { PK: s(entityPk(record.tenantId, record.entityKey)) } });
    const latest = head && headLatest(this.headsTable, head);
    if (latest && latest.version >= record.version) return { outcome: 'not-newer', latest: latest.version };
    return { outcome: 'nothing-to-delete' };
  }

  /** GetItem; a version missing there is read from the head (the newest version, between an append's two writes). */
  async get(tenantId: string, entityKey: string, version: number): Promise<RawRecord | undefined> {
    const item = await this.requests.getItem({ TableName: this.table, Key: { PK: s(entityPk(tenantId, entityKey)), SK: n(version) } });
    if (item) return this.decode(item);
    const head = await this.requests.getItem({ TableName: this.headsTable, Key: { PK: s(entityPk(tenantId, entityKey)) } });
    const latest = head && headLatest(this.headsTable, head);
    return latest?.version === version ? latest : undefined;
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
