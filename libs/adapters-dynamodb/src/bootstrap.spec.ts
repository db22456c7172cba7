import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapTables, checkTables } from './bootstrap';
import { countingClient, createDynamoClient } from './client';
import { RequestCounter } from './counter';
import { startDynalite } from './embedded';
import { StoreUnavailableError } from '@ivm/domain';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';

describe('bootstrapTables / checkTables on dynalite', () => {
  it('creates the five tables once; a second bootstrap only describes them', async () => {
    const engine = await startDynalite();
    const client = createDynamoClient({ endpoint: engine.endpoint, region: 'local', tablePrefix: 'boot-' });
    const counter = new RequestCounter();
    const counted = countingClient(client, counter);
    try {
      await expect(checkTables(counted, 'boot-')).rejects.toBeInstanceOf(StoreUnavailableError);
      counter.reset();

      await bootstrapTables(counted, 'boot-');
      expect(counter.count('CreateTable')).toBe(5);
      await expect(checkTables(counted, 'boot-')).resolves.toBeUndefined();

      counter.reset();
      await bootstrapTables(counted, 'boot-');
      // Five tables, and the retired layout's table looked for.
      expect(counter.snapshot()).toEqual({ DescribeTable: 6 });

      // Another prefix is another set of tables.
      await expect(checkTables(counted, 'other-')).rejects.toThrow(/other-.* is missing/);
      expect(counter.count('Scan')).toBe(0);
    } finally {
      client.destroy();
      await engine.close();
    }
  });

  it('fails with StoreUnavailableError when the engine is unreachable', async () => {
    const engine = await startDynalite();
    await engine.close();
    const client = createDynamoClient({ endpoint: engine.endpoint, region: 'local', tablePrefix: 'x-' });
    try {
      await expect(checkTables(client, 'x-')).rejects.toMatchObject({ name: 'StoreUnavailableError', code: 'STORE_UNAVAILABLE' });
    } finally {
      client.destroy();
    }
  });

  it('refuses tables of an earlier storage layout, naming the way out', async () => {
    const engine = await startDynalite();
    const client = createDynamoClient({ endpoint: engine.endpoint, region: 'local', tablePrefix: 'old-' });
    try {
      await client.send(
        new CreateTableCommand({
          TableName: 'old-active-versions',
          KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      await expect(bootstrapTables(client, 'old-')).rejects.toThrow(/old-active-versions belongs to an earlier storage layout.*IVM_DATA_DIR/);
      await expect(checkTables(client, 'old-')).rejects.toThrow(/old-raw is missing/);
    } finally {
      client.destroy();
      await engine.close();
    }
  });

  it('keeps data on disk when given a path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ivm-dynalite-'));
    try {
      const first = await startDynalite({ path: dir });
      const firstClient = createDynamoClient({ endpoint: first.endpoint, region: 'local', tablePrefix: 'disk-' });
      await bootstrapTables(firstClient, 'disk-');
      firstClient.destroy();
      await first.close();

      const second = await startDynalite({ path: dir });
      const secondClient = createDynamoClient({ endpoint: second.endpoint, region: 'local', tablePrefix: 'disk-' });
      const counter = new RequestCounter();
      await bootstrapTables(countingClient(secondClient, counter), 'disk-');
      expect(counter.count('CreateTable')).toBe(0);
      secondClient.destroy();
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
