/** How a client retries a call that failed transiently (refused connection, timeout, 429, 502, 503, 504). */
export interface RetryOptions {
  /** Tries in all, the first included (default 3; 1 turns retries off). */
  readonly attempts?: number;
  /** The delay before the first retry (default 200 ms); each later one doubles, with jitter. */
  readonly baseDelayMs?: number;
  /** No delay is longer, a `Retry-After` included (default 5,000 ms). */
  readonly maxDelayMs?: number;
}

export const RETRY_DEFAULTS: Required<RetryOptions> = { attempts: 3, baseDelayMs: 200, maxDelayMs: 5_000 };

/** The pause before retry `retry` (1 = the first): exponential, with "equal jitter" so concurrent clients spread out. */
export function retryDelay(retry: number, options: Required<RetryOptions>, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** A `Retry-After` header in milliseconds (seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
