import type { Clock } from '../ports/clock';
import type { DeployJobStore } from '../ports/deploy-jobs';
import type { OutboxStore, TaskWakeups } from '../ports/outbox';
import { InMemoryDeployJobStore } from './in-memory-deploy-jobs';
import { InMemoryDeployState } from './in-memory-deploy-state';
import { InMemoryOutboxStore } from './in-memory-outbox';
import { InMemoryTaskWakeups } from './in-memory-wakeups';

/** The three deploy ports over one in-memory state, like one PostgreSQL database behind `openPostgres`. */
export interface InMemoryDeploys {
  readonly outbox: OutboxStore;
  readonly jobs: DeployJobStore;
  readonly wakeups: TaskWakeups;
}

/** In-memory outbox, deploy jobs and wake-ups sharing one state; `clock` is their "database time". */
export function createInMemoryDeploys(clock: Clock): InMemoryDeploys {
  const state = new InMemoryDeployState(clock);
  return { outbox: new InMemoryOutboxStore(state), jobs: new InMemoryDeployJobStore(state), wakeups: new InMemoryTaskWakeups(state) };
}
