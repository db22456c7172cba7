import { runInline, type TaskHandlers } from '@ivm/application';
import type { OutboxStore, RetryPolicy } from '@ivm/domain';

/** How the in-process worker runs the outbox. */
export interface OutboxRunnerSettings {
  readonly owner: string;
  /** Tasks run at once (default 4). */
  readonly concurrency: number;
  /** While tasks wait for a retry, how often the outbox is looked at again (default 200 ms). */
  readonly pollMs: number;
  readonly leaseMs: number;
  readonly retry: RetryPolicy;
}

/**
 * A worker inside the caller's process, for the in-process client: after each deploy it claims and
 * runs the outbox's tasks until none is left, polling while some wait for a retry. Its timer does
 * not keep Node alive; `close()` lets the tasks in hand settle and stops.
 */
export class OutboxRunner {
  private draining: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly outbox: OutboxStore,
    private readonly handlers: TaskHandlers,
    private readonly settings: OutboxRunnerSettings,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Runs what is claimable now (again, if a drain is under way). */
  kick(): void {
    if (this.stopped) return;
    if (this.draining !== undefined) {
      this.again = true;
      return;
    }
    this.draining = this.drain()
      .catch(this.onError)
      .finally(() => {
        this.draining = undefined;
      });
  }

  /** Stops claiming, and resolves once the tasks in hand are settled. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.draining;
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      for (;;) {
        if (this.stopped) return;
        const claimed = await this.outbox.claim(this.settings.owner, this.settings.concurrency, this.settings.leaseMs);
        if (claimed.length === 0) break;
        await Promise.all(claimed.map((task) => runInline(this.outbox, task, this.handlers[task.task.type], this.settings)));
      }
    } while (this.again);
    await this.outbox.reap(100);
    const depth = await this.outbox.depth();
    if (depth.some((d) => (d.status === 'PENDING' || d.status === 'RUNNING') && d.count > 0)) this.later();
  }

  private later(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), this.settings.pollMs);
    this.timer.unref?.();
  }
}
