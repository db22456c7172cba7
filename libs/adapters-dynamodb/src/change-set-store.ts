import { type Change, type ChangeSetRecord, type ChangeSetStore, type ContractRef, type PutIfAbsentResult } from '@ivm/domain';
import { type Item, ItemReader, json, n, s } from './codec';
import { DynamoStoreError } from './errors';
import { changeSetSk, entityPk } from './keys';
import { type Requests } from './requests';

/** Change sets: PK `{tenant}#{entityKey}`, SK `{from}#{to}` zero-padded; immutable by `attribute_not_exists`. */
export class DynamoChangeSetStore implements ChangeSetStore {
  constructor(
    private readonly requests: Requests,
    private readonly table: string,
  ) {}

  async putIfAbsent(record: ChangeSetRecord): Promise<PutIfAbsentResult<ChangeSetRecord>> {
    const stored = await this.requests.putItem({ TableName: this.table, Item: this.encode(record), ConditionExpression: 'attribute_not_exists(PK)' });
    if (stored) return { stored: true };
    const existing = await this.get(record.tenantId, record.entityKey, record.fromVersion, record.toVersion);
    if (!existing) throw new DynamoStoreError('PutItem', new Error(`Change set ${record.entityKey} ${record.fromVersion}→${record.toVersion} failed its put condition but cannot be read`));
    return { stored: false, existing };
  }

  async get(tenantId: string, entityKey: string, fromVersion: number, toVersion: number): Promise<ChangeSetRecord | undefined> {
    const item = await this.requests.getItem({ TableName: this.table, Key: { PK: s(entityPk(tenantId, entityKey)), SK: s(changeSetSk(fromVersion, toVersion)) } });
    return item && this.decode(item);
  }

  private encode(record: ChangeSetRecord): Item {
    return {
      PK: s(entityPk(record.tenantId, record.entityKey)),
      SK: s(changeSetSk(record.fromVersion, record.toVersion)),
      tenantId: s(record.tenantId),
      entityKey: s(record.entityKey),
      fromVersion: n(record.fromVersion),
      toVersion: n(record.toVersion),
      schemaRef: json(record.schemaRef),
      ruleSetRef: json(record.ruleSetRef),
      changes: json(record.changes),
      hash: s(record.hash),
    };
  }

  private decode(item: Item): ChangeSetRecord {
    const read = new ItemReader(this.table, item);
    return {
      tenantId: read.string('tenantId'),
      entityKey: read.string('entityKey'),
      fromVersion: read.number('fromVersion'),
      toVersion: read.number('toVersion'),
      schemaRef: read.json<ContractRef>('schemaRef'),
      ruleSetRef: read.json<ContractRef>('ruleSetRef'),
      changes: read.json<Change[]>('changes'),
      hash: read.string('hash'),
    };
  }
}
