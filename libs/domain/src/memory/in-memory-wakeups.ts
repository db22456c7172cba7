import type { TaskWakeups } from '../ports/outbox';
import type { InMemoryDeployState } from './in-memory-deploy-state';

/** Wake-ups of the in-memory outbox: subscribers are called synchronously when its writes commit. */
export class InMemoryTaskWakeups implements TaskWakeups {
  constructor(private readonly state: InMemoryDeployState) {}

  async subscribe(onTasks: (count: number) => void): Promise<() => Promise<void>> {
    const unsubscribe = this.state.subscribe(onTasks);
    return async () => unsubscribe();
  }
}
