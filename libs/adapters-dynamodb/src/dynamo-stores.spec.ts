import { describeStoreContract } from '@ivm/domain/testing';
import { startTestDynamo } from '../testing';

describeStoreContract('DynamoDB stores on dynalite', async () => {
  const dynamo = await startTestDynamo();
  return {
    stores: dynamo.stores,
    cleanup: async () => {
      // Whatever the suite did, it never scanned.
      expect(dynamo.counter.count('Scan')).toBe(0);
      await dynamo.close();
    },
  };
});
