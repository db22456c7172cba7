export { createDynamoClient, countingClient, operationName, type DynamoClientLike, type DynamoConfig } from './client';
export { RequestCounter } from './counter';
export { tableNames, type TableNames } from './keys';
export { bootstrapTables, checkTables } from './bootstrap';
export { createDynamoStores, type DynamoStores } from './dynamo-stores';
export { MAX_ITEM_BYTES } from './errors';
export { startDynalite, type EmbeddedDynamo } from './embedded';
