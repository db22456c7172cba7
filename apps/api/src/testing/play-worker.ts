import { runInline } from '@ivm/application';
import { TEST_LEASE_MS, TEST_RETRY_POLICY, type TestApi } from './http-harness';

/** Plays one worker on the test API's outbox: runs every claimable task to its settlement; answers how many ran. */
export async function playWorker(test: TestApi): Promise<number> {
  let ran = 0;
  for (;;) {
    const claimed = await test.deploys.outbox.claim('test-worker', 10, TEST_LEASE_MS);
    if (claimed.length === 0) return ran;
    for (const task of claimed) {
      ran++;
      await runInline(test.deploys.outbox, task, test.deployServices.handlers[task.task.type], { leaseMs: TEST_LEASE_MS, retry: TEST_RETRY_POLICY });
    }
  }
}
