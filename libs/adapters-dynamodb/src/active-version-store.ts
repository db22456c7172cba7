import { type ActiveVersionStore } from '@ivm/domain';
import { ItemReader, n, s } from './codec';
import { entityPk } from './keys';
import { type Requests } from './requests';

/** Active versions: PK `{tenant}#{entityKey}` only, attribute `version` (N); set is an unconditional swap. */
export class DynamoActiveVersionStore implements ActiveVersionStore {
  constructor(
    private readonly requests: Requests,
    private readonly table: string,
  ) {}

  async get(tenantId: string, entityKey: string): Promise<number | undefined> {
    const item = await this.requests.getItem({ TableName: this.table, Key: { PK: s(entityPk(tenantId, entityKey)) } });
    return item && new ItemReader(this.table, item).number('version');
  }

  async set(tenantId: string, entityKey: string, version: number): Promise<void> {
    await this.requests.putItem({ TableName: this.table, Item: { PK: s(entityPk(tenantId, entityKey)), version: n(version) } });
  }
}
