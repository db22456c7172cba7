import type { FencedResult, OutboxStore, Settlement } from '@ivm/domain';
import { Effect, Exit, Request, RequestResolver, Schedule } from 'effect';

/** A settlement that could not be written: the store kept failing. The task stays RUNNING and comes back through the reaper. */
export class SettleFailedError extends Error {
  constructor(cause: unknown) {
    super(`settle failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'SettleFailedError';
  }
}

class SettleRequest extends Request.Class<{ readonly settlement: Settlement }, FencedResult, SettleFailedError> {}

/** Writes one settlement; concurrent calls share `settle` round trips. */
export type Settle = (settlement: Settlement) => Effect.Effect<FencedResult, SettleFailedError>;

/**
 * Settlements of many tasks in one `settle` call: a request waits up to `flushMs` for others and
 * a batch runs as soon as it holds `batchSize` (Effect's RequestResolver does the collecting,
 * across fibers). A failed call is retried a few times with backoff, batch by batch; each
 * settlement is fenced on its own by the store, so a retried batch cannot apply one twice.
 */
export function makeSettler(
  outbox: OutboxStore,
  options: { readonly batchSize: number; readonly flushMs: number; readonly onBatch?: (size: number) => void },
): Settle {
  const resolver = RequestResolver.make<SettleRequest>((entries) =>
    Effect.tryPromise({
      try: () => {
        options.onBatch?.(entries.length);
        return outbox.settle(entries.map((entry) => entry.request.settlement));
      },
      catch: (cause) => new SettleFailedError(cause),
    }).pipe(
      Effect.map((results) =>
        entries.forEach((entry, i) => {
          const result = results[i];
          entry.completeUnsafe(
            result === undefined ? Exit.fail(new SettleFailedError(new Error('the store answered fewer results than settlements'))) : Exit.succeed(result),
          );
        }),
      ),
    ),
  ).pipe(RequestResolver.setDelay(options.flushMs), RequestResolver.batchN(options.batchSize));
  // A store blip (failover, a dropped connection) should not cost a finished run: retry for about a second.
  const retry = Schedule.exponential(50).pipe(Schedule.jittered, Schedule.upTo({ times: 5 }));
  return (settlement) => Effect.request(new SettleRequest({ settlement }), resolver).pipe(Effect.retry(retry));
}
