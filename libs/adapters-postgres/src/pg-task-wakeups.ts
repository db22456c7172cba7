import type { TaskWakeups } from '@ivm/domain';
import type { StoreUnavailableError } from '@ivm/domain';
import { storeUnavailable } from './errors';

/** The channel every write that makes tasks claimable notifies, with their count as payload. */
export const OUTBOX_CHANNEL = 'ivm_outbox';

/** The part of a node-postgres Client a LISTEN connection uses. */
export interface ListenClientLike {
  connect(): Promise<unknown>;
  query(text: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
}

export interface PgTaskWakeupsOptions {
  /** False behind a pooler in transaction mode (PgBouncer), where LISTEN does not work: subscribers are never called and workers poll. */
  readonly enabled: boolean;
  /** A lost or refused LISTEN connection (it is retried with backoff). */
  readonly onError?: (error: StoreUnavailableError) => void;
}

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * One dedicated LISTEN connection per process, opened on the first subscribe and shared by all
 * subscribers; when it fails it is reopened with backoff. Wake-ups are hints: a notification sent
 * while the connection was down is lost, and the worker's polling covers it.
 */
export class PgTaskWakeups implements TaskWakeups {
  private readonly listeners = new Set<(count: number) => void>();
  private client: ListenClientLike | undefined;
  private connecting: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = FIRST_RETRY_MS;
  private closed = false;

  constructor(
    private readonly newClient: () => ListenClientLike,
    private readonly options: PgTaskWakeupsOptions,
  ) {}

  /** Resolves once the connection listens (or its first attempt failed and is being retried). */
  async subscribe(onTasks: (count: number) => void): Promise<() => Promise<void>> {
    const entry = (count: number): void => onTasks(count);
    this.listeners.add(entry);
    if (this.options.enabled) await this.listen();
    return async () => {
      this.listeners.delete(entry);
    };
  }

  /** Stops listening for good. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private listen(): Promise<void> {
    if (this.closed || this.client) return Promise.resolve();
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = this.newClient();
    client.on('notification', (message) => this.deliver(message));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('the LISTEN connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      this.options.onError?.(storeUnavailable('listen', error));
      this.retry();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = FIRST_RETRY_MS;
  }

  private deliver(message: { channel: string; payload?: string }): void {
    if (message.channel !== OUTBOX_CHANNEL) return;
    const count = Number.parseInt(message.payload ?? '', 10);
    if (!Number.isSafeInteger(count) || count <= 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(count);
      } catch {
        // One subscriber's failure must not keep the others asleep; polling covers it anyway.
      }
    }
  }

  private lost(client: ListenClientLike, error: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.options.onError?.(storeUnavailable('listen', error));
    this.retry();
  }

  private retry(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.listen();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }
}
