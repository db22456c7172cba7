import { type AttributeDefinition, CreateTableCommand, DescribeTableCommand, type KeySchemaElement, type TableDescription } from '@aws-sdk/client-dynamodb';
import { type DynamoClientLike } from './client';
import { sleep } from './concurrency';
import { StoreUnavailableError } from '@ivm/domain';
import { isResourceInUse, isResourceNotFound, storeUnavailable } from './errors';
import { retiredTables, type TableNames, tableNames } from './keys';

interface TableLayout {
  readonly keySchema: KeySchemaElement[];
  readonly attributes: AttributeDefinition[];
}

const keyed = (sortKeyType?: 'S' | 'N'): TableLayout =>
  sortKeyType === undefined
    ? { keySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }], attributes: [{ AttributeName: 'PK', AttributeType: 'S' }] }
    : {
        keySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        attributes: [
          { AttributeName: 'PK', AttributeType: 'S' },
          { AttributeName: 'SK', AttributeType: sortKeyType },
        ],
      };

/** Key schema of every table (see keys.ts for what the keys hold). */
const LAYOUTS: Record<keyof TableNames, TableLayout> = {
  raw: keyed('N'),
  heads: keyed(),
  changeSets: keyed('S'),
  slices: keyed('N'),
  index: keyed('S'),
};

/** How long a table may stay CREATING before bootstrap gives up (AWS usually takes seconds). */
const ACTIVE_TIMEOUT_MS = 120_000;

/**
 * Creates the missing tables (on-demand capacity) and waits until every table is ACTIVE.
 * Idempotent: existing tables are described, never recreated, altered or deleted; a table whose
 * key schema is not this adapter's fails the bootstrap rather than being used.
 */
export async function bootstrapTables(client: DynamoClientLike, tablePrefix: string): Promise<void> {
  const names = tableNames(tablePrefix);
  await refuseRetiredLayout(client, tablePrefix);
  await Promise.all(
    (Object.keys(LAYOUTS) as (keyof TableNames)[]).map(async (table) => {
      const name = names[table];
      const layout = LAYOUTS[table];
      let description = await describe(client, name);
      if (!description) description = await create(client, name, layout);
      assertLayout(name, description, layout);
      if (description.TableStatus !== 'ACTIVE') await waitActive(client, name);
    }),
  );
}

/** Describes every table; throws StoreUnavailableError when one is missing, not ACTIVE or unreachable (for readiness probes). */
export async function checkTables(client: DynamoClientLike, tablePrefix: string): Promise<void> {
  const names = tableNames(tablePrefix);
  await Promise.all(
    Object.values(names).map(async (name) => {
      const description = await describe(client, name);
      if (description?.TableStatus !== 'ACTIVE') {
        throw new StoreUnavailableError('DescribeTable', `Table ${name} is ${description ? description.TableStatus : 'missing'}`);
      }
    }),
  );
}

async function describe(client: DynamoClientLike, name: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if (isResourceNotFound(error)) return undefined;
    throw storeUnavailable('DescribeTable', error);
  }
}

async function create(client: DynamoClientLike, name: string, layout: TableLayout): Promise<TableDescription> {
  try {
    const created = await client.send(
      new CreateTableCommand({ TableName: name, KeySchema: layout.keySchema, AttributeDefinitions: layout.attributes, BillingMode: 'PAY_PER_REQUEST' }),
    );
    if (created.TableDescription) return created.TableDescription;
  } catch (error) {
    // Another process created it between our DescribeTable and CreateTable: use theirs.
    if (!isResourceInUse(error)) throw storeUnavailable('CreateTable', error);
  }
  const description = await describe(client, name);
  if (!description) throw new StoreUnavailableError('CreateTable', `Table ${name} was created but cannot be described`);
  return description;
}

function assertLayout(name: string, description: TableDescription, layout: TableLayout): void {
  const actual = (description.KeySchema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');
  const expected = layout.keySchema.map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');
  if (actual !== expected) throw new StoreUnavailableError('DescribeTable', `Table ${name} has key schema ${actual}, expected ${expected}`);
}

async function waitActive(client: DynamoClientLike, name: string): Promise<void> {
  const deadline = Date.now() + ACTIVE_TIMEOUT_MS;
  for (let delay = 20; ; delay = Math.min(delay * 2, 2000)) {
    const description = await describe(client, name);
    if (description?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new StoreUnavailableError('DescribeTable', `Table ${name} did not become ACTIVE within ${ACTIVE_TIMEOUT_MS} ms`);
    await sleep(delay);
  }
}

/**
 * Tables of an earlier key layout mean data this version cannot read correctly (e.g. active
 * versions kept apart from the entity heads): refuse to start rather than serve it wrongly.
 */
async function refuseRetiredLayout(client: DynamoClientLike, tablePrefix: string): Promise<void> {
  for (const name of retiredTables(tablePrefix)) {
    if (await describe(client, name)) {
      throw new StoreUnavailableError(
        'DescribeTable',
        `Table ${name} belongs to an earlier storage layout; this version keeps active versions in ${tableNames(tablePrefix).heads}. Start from an empty data directory (IVM_DATA_DIR) or another IVM_TABLE_PREFIX`,
      );
    }
  }
}
