import { type Change, type ChangeSetContracts, type ChangeSetRecord, type ChangeSetStore, type ContractRef, type PutIfAbsentResult } from '@ivm/domain';
import { assertItemSize, type Item, ItemReader, json, n, s } from './codec';
import { changeSetSk, entityPk } from './keys';
import { putIfAbsent } from './put-if-absent';
import { type Requests } from './requests';

/** Change sets: PK `{tenant}#{entityKey}`, SK `{from}#{to}#{schema}@{v}#{ruleSet}@{v}` (see keys.ts); immutable by `attribute_not_exists`. */
export class DynamoChangeSetStore implements ChangeSetStore {
  constructor(
    private readonly requests: Requests,
    private readonly table: string,
  ) {}

  async putIfAbsent(record: ChangeSetRecord): Promise<PutIfAbsentResult<ChangeSetRecord>> {
    return putIfAbsent(
      this.requests,
      this.table,
      this.encode(record),
      () => this.get(record.tenantId, record.entityKey, record.fromVersion, record.toVersion, record),
      `Change set ${record.entityKey} ${record.fromVersion}→${record.toVersion}`,
    );
  }

  async get(tenantId: string, entityKey: string, fromVersion: number, toVersion: number, contracts: ChangeSetContracts): Promise<ChangeSetRecord | undefined> {
    const item = await this.requests.getItem({
      TableName: this.table,
      Key: { PK: s(entityPk(tenantId, entityKey)), SK: s(changeSetSk(fromVersion, toVersion, contracts)) },
    });
    return item && this.decode(item);
  }

  private encode(record: ChangeSetRecord): Item {
    const item: Item = {
      PK: s(entityPk(record.tenantId, record.entityKey)),
      SK: s(changeSetSk(record.fromVersion, record.toVersion, record)),
      tenantId: s(record.tenantId),
      entityKey: s(record.entityKey),
      fromVersion: n(record.fromVersion),
      toVersion: n(record.toVersion),
      schemaRef: json(record.schemaRef),
      ruleSetRef: json(record.ruleSetRef),
      changes: json(record.changes),
      hash: s(record.hash),
    };
    assertItemSize(item, `change set ${record.entityKey} ${record.fromVersion}→${record.toVersion}`);
    return item;
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
