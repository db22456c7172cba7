import { describeOutboxContract } from '../../testing/outbox-contract';
import { ManualClock } from '../../testing/manual-clock';
import { createInMemoryDeploys } from './in-memory-deploys';

// The reference implementation defines the outbox contract; its clock moves only when a test lets time pass.
describeOutboxContract('in-memory', async () => ({
  fresh: async () => {
    const clock = new ManualClock();
    return { ...createInMemoryDeploys(clock), now: async () => clock.now(), pass: async (ms) => clock.advance(ms) };
  },
  close: async () => undefined,
}));
