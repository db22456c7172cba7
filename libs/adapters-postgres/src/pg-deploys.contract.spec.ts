import { describeOutboxContract } from '@ivm/domain/testing';
import { openTestPostgres } from '../testing';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// The same contract as the in-memory reference, on a real PostgreSQL: time passes for real (a few ms margin for timer rounding).
describeOutboxContract('postgres', async () => {
  const pg = await openTestPostgres();
  return {
    fresh: async () => {
      await pg.reset();
      return { outbox: pg.outbox, jobs: pg.jobs, wakeups: pg.wakeups, now: pg.now, pass: (ms) => sleep(ms + 5) };
    },
    close: () => pg.close(),
  };
});
