import { classify, type FencedResult, type OutboxStore, type Settlement } from '@ivm/domain';
import * as Effect from 'effect/Effect';
import * as Exit from 'effect/Exit';
import * as Request from 'effect/Request';
import * as RequestResolver from 'effect/RequestResolver';
import * as Schedule from 'effect/Schedule';

/** A settlement that could not be written. The task stays RUNNING and comes back through the reaper. */
export class SettleFailedError extends Error {
  /** Whether trying the same call again may help (a store that did not answer, not a refused follow-up). */
  readonly transient: boolean;
  constructor(cause: unknown) {
    super(`settle failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'SettleFailedError';
    this.transient = classify(cause) !== 'INVARIANT_VIOLATION';
  }
}

class SettleRequest extends Request.Class<{ readonly settlement: Settlement }, FencedResult, SettleFailedError> {}

/** Writes one settlement; concurrent calls share `settle` round trips. */
export type Settle = (settlement: Settlement) => Effect.Effect<FencedResult, SettleFailedError>;

const storeCall = (outbox: OutboxStore, settlements: readonly Settlement[]): Effect.Effect<readonly FencedResult[], SettleFailedError> =>
  Effect.tryPromise({ try: () => outbox.settle(settlements), catch: (cause) => new SettleFailedError(cause) });

/**
 * Settlements of many tasks in one `settle` call: a request waits up to `flushMs` for others and
 * a batch runs as soon as it holds `batchSize` (Effect's RequestResolver does the collecting,
 * across fibers). Fencing is per settlement, but a call is one transaction: a follow-up the store
 * refuses (an illegal job step) fails the whole call, so a failed batch is split and each
 * settlement tried alone — one bad task never holds back the others. A transient failure is
 * retried a few times with backoff; a settlement that was written before the answer was lost is
 * then reported `fenced` (its task is no longer RUNNING), never applied twice.
 */
export function makeSettler(
  outbox: OutboxStore,
  options: { readonly batchSize: number; readonly flushMs: number; readonly onBatch?: (size: number) => void },
): Settle {
  const resolver = RequestResolver.make<SettleRequest>((entries) => {
    options.onBatch?.(entries.length);
    const complete = (entry: (typeof entries)[number], result: FencedResult | undefined): void =>
      entry.completeUnsafe(
        result === undefined ? Exit.fail(new SettleFailedError(new Error('the store answered fewer results than settlements'))) : Exit.succeed(result),
      );
    return storeCall(
      outbox,
      entries.map((entry) => entry.request.settlement),
    ).pipe(
      Effect.map((results) => entries.forEach((entry, i) => complete(entry, results[i]))),
      Effect.catch((batchError) =>
        entries.length === 1
          ? Effect.fail(batchError)
          : Effect.forEach(
              entries,
              (entry) =>
                storeCall(outbox, [entry.request.settlement]).pipe(
                  Effect.match({ onSuccess: (results) => complete(entry, results[0]), onFailure: (error) => entry.completeUnsafe(Exit.fail(error)) }),
                ),
              { concurrency: 4, discard: true },
            ),
      ),
    );
  }).pipe(RequestResolver.setDelay(options.flushMs), RequestResolver.batchN(options.batchSize));
  // A store blip (failover, a dropped connection) should not cost a finished run: retry for about a second.
  const retry = Schedule.exponential(50).pipe(Schedule.jittered, Schedule.upTo({ times: 5 }));
  return (settlement) => Effect.request(new SettleRequest({ settlement }), resolver).pipe(Effect.retry({ schedule: retry, while: (error) => error.transient }));
}
