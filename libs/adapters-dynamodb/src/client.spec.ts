import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { bootstrapTables } from './bootstrap';
import { createDynamoClient } from './client';
import { startDynalite } from './embedded';

describe('createDynamoClient', () => {
  it('resolves the middleware stack once per command class (cacheMiddleware), and every command type still works on one client', async () => {
    const engine = await startDynalite();
    const client = createDynamoClient({ endpoint: engine.endpoint, region: 'local', tablePrefix: 'c-' });
    try {
      expect(client.config.cacheMiddleware).toBe(true);
      await bootstrapTables(client, 'c-');
      const item = { PK: { S: 'k' }, SK: { N: '1' }, data: { S: 'one' } };
      for (let i = 0; i < 3; i++) {
        // The same command classes again and again: the cached handlers serve them, answers and errors alike.
        await client.send(new PutItemCommand({ TableName: 'c-raw', Item: { ...item, data: { S: `v${i}` } } }));
        const read = await client.send(new GetItemCommand({ TableName: 'c-raw', Key: { PK: item.PK, SK: item.SK } }));
        expect(read.Item?.['data']).toEqual({ S: `v${i}` });
        await expect(
          client.send(new PutItemCommand({ TableName: 'c-raw', Item: item, ConditionExpression: 'attribute_not_exists(PK)' })),
        ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
      }
    } finally {
      client.destroy();
      await engine.close();
    }
  });
});
