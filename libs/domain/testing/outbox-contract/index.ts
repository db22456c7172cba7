import { describeDeployJobs } from './deploy-jobs';
import { describeEnqueueAndClaim } from './enqueue-claim';
import { describeFencingAndSettle } from './fencing-settle';
import type { OutboxContractStores, OutboxContractTarget } from './fixtures';
import { describeLeaseLifecycle } from './lease-lifecycle';
import { describeSingleFlight } from './single-flight';
import { describeWakeups } from './wakeups';

export {
  claimOne,
  createCommand,
  eventually,
  NO_SHIP_AXES,
  SHIP_AXES,
  taskSpec,
  TENANT,
  type OutboxContractStores,
  type OutboxContractTarget,
} from './fixtures';

/**
 * The contract of OutboxStore, DeployJobStore and TaskWakeups: the semantics of the in-memory
 * reference, which the PostgreSQL adapter must pass too. Every test gets an empty outbox
 * (`target.fresh()`); durations that must pass are short, so a real database waits little, and
 * ones that must not pass are a minute, so a slow machine cannot make them pass.
 */
export function describeOutboxContract(name: string, open: () => Promise<OutboxContractTarget>): void {
  describe(`outbox contract: ${name}`, () => {
    let target: OutboxContractTarget | undefined;
    let current: OutboxContractStores | undefined;
    const s = (): OutboxContractStores => {
      if (!current) throw new Error('the stores are not ready');
      return current;
    };

    beforeAll(async () => {
      target = await open();
    });
    beforeEach(async () => {
      if (!target) throw new Error('the target did not open');
      current = await target.fresh();
    });
    afterAll(async () => {
      await target?.close();
    });

    describeEnqueueAndClaim({ s });
    describeFencingAndSettle({ s });
    describeLeaseLifecycle({ s });
    describeSingleFlight({ s });
    describeDeployJobs({ s });
    describeWakeups({ s });
  });
}
