import { describeStoreContract } from '../../testing/store-contract';
import { createInMemoryStores } from './in-memory-stores';

// The reference stores define the contract; this keeps the suite honest about what it asserts.
describeStoreContract('in-memory stores', async () => ({ stores: createInMemoryStores(), cleanup: async () => undefined }));
