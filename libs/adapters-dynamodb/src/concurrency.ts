/** Requests a store keeps in flight at once for one call (parallel, but never an unbounded burst). */
export const MAX_PARALLEL_REQUESTS = 16;

/** `items.map(fn)` with at most `limit` calls pending at a time; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const at = next++;
      results[at] = await fn(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Backoff before retry `attempt` (0-based) of unprocessed batch items: 25 ms doubling, capped at 1 s, jittered. */
export const backoffMs = (attempt: number): number => Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2);
