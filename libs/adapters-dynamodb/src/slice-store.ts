import { canonicalJson, type ContractRef, type InputVector, type SliceKey, type SliceRecord, type SliceStore, type SliceWrite } from '@ivm/domain';
import { assertItemSize, bool, type Item, ItemReader, json, n, s } from './codec';
import { MAX_PARALLEL_REQUESTS, mapLimit } from './concurrency';
import { slicePk } from './keys';
import { type Requests } from './requests';

/**
 * Slices: PK `{tenant}#{entityKey}#{sliceType}`, SK version (N). Slice sets name exact keys, so
 * reads are BatchGetItem; one partition per slice type also makes a history read ("newest at or
 * below v") a single Query with `SK <= :v`, newest first, Limit 1.
 */
export class DynamoSliceStore implements SliceStore {
  constructor(
    private readonly requests: Requests,
    private readonly table: string,
  ) {}

  /** BatchGetItem of the exact keys (100 a request): how readers and slicings reach the slices a slice set names. */
  async get(tenantId: string, keys: readonly SliceKey[]): Promise<readonly (SliceRecord | undefined)[]> {
    const items = await this.requests.batchGetItems(
      keys.map((key) => ({ table: this.table, key: { PK: s(slicePk(tenantId, key.entityKey, key.sliceType)), SK: n(key.version) } })),
    );
    return items.map((item) => item && this.decode(item));
  }

  /** History reads: one Query per requested type, in parallel; types without a slice at or below `version` are absent. */
  async effective(tenantId: string, entityKey: string, version: number, sliceTypes: readonly string[]): Promise<ReadonlyMap<string, SliceRecord>> {
    const types = [...new Set(sliceTypes)];
    const found = await mapLimit(types, MAX_PARALLEL_REQUESTS, async (sliceType) => {
      const page = await this.requests.query({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk AND SK <= :v',
        ExpressionAttributeValues: { ':pk': s(slicePk(tenantId, entityKey, sliceType)), ':v': n(version) },
        ScanIndexForward: false,
        Limit: 1,
      });
      const item = page.Items?.[0];
      return item && this.decode(item);
    });
    const out = new Map<string, SliceRecord>();
    types.forEach((type, i) => {
      const record = found[i];
      if (record) out.set(type, record);
    });
    return out;
  }

  /**
   * One conditional PutItem per write, in parallel (bounded), no transaction: each put is the
   * commit point of its own slice. `{absent}` → `attribute_not_exists(PK)`; `{hash}` → the stored
   * hash must equal it. A failed condition is reported back as a conflict, never thrown.
   */
  async put(writes: readonly SliceWrite[]): Promise<readonly SliceWrite[]> {
    const stored = await mapLimit(writes, MAX_PARALLEL_REQUESTS, (write) =>
      this.requests.putItem(
        'absent' in write.expected
          ? { TableName: this.table, Item: this.encode(write.record), ConditionExpression: 'attribute_not_exists(PK)' }
          : write.expected.inputVector === undefined
            ? {
                TableName: this.table,
                Item: this.encode(write.record),
                ConditionExpression: '#hash = :expected',
                ExpressionAttributeNames: { '#hash': 'hash' },
                ExpressionAttributeValues: { ':expected': s(write.expected.hash) },
              }
            : {
                TableName: this.table,
                Item: this.encode(write.record),
                // The input vector too: a hash can come back (A → B → A) under a newer vector.
                ConditionExpression: '#hash = :expected AND inputVector = :vector',
                ExpressionAttributeNames: { '#hash': 'hash' },
                ExpressionAttributeValues: { ':expected': s(write.expected.hash), ':vector': s(canonicalJson(write.expected.inputVector)) },
              },
      ),
    );
    return writes.filter((_, i) => !stored[i]);
  }

  private encode(record: SliceRecord): Item {
    const item = this.encodeUnchecked(record);
    assertItemSize(item, `slice ${record.entityKey}@${record.version}/${record.sliceType}`);
    return item;
  }

  private encodeUnchecked(record: SliceRecord): Item {
    const item: Item = {
      PK: s(slicePk(record.tenantId, record.entityKey, record.sliceType)),
      SK: n(record.version),
      tenantId: s(record.tenantId),
      entityKey: s(record.entityKey),
      sliceType: s(record.sliceType),
      hash: s(record.hash),
      tombstone: bool(record.tombstone),
      // Canonical (sorted keys), so a put can condition on it.
      inputVector: s(canonicalJson(record.inputVector)),
      ruleSetRef: json(record.ruleSetRef),
    };
    if (record.data !== null) item['data'] = json(record.data);
    return item;
  }

  private decode(item: Item): SliceRecord {
    const read = new ItemReader(this.table, item);
    return {
      tenantId: read.string('tenantId'),
      entityKey: read.string('entityKey'),
      version: read.number('SK'),
      sliceType: read.string('sliceType'),
      hash: read.string('hash'),
      tombstone: read.boolean('tombstone'),
      data: read.jsonObjectOrNull('data'),
      inputVector: read.json<InputVector>('inputVector'),
      ruleSetRef: read.json<ContractRef>('ruleSetRef'),
    };
  }
}
