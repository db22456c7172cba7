import { classify, type FencedResult, type OutboxStore, type Settlement } from '@ivm/domain';

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

/** Writes one settlement; concurrent calls share `settle` round trips. Rejects with SettleFailedError. */
export type Settle = (settlement: Settlement) => Promise<FencedResult>;

interface Waiting {
  readonly settlement: Settlement;
  readonly resolve: (result: FencedResult) => void;
  readonly reject: (error: SettleFailedError) => void;
}

/** Retries of a call the store did not answer: about a second in all (50 ms doubling, jittered, 5 times). */
const RETRIES = 5;
const FIRST_RETRY_MS = 50;

/**
 * Settlements of many tasks in one `settle` call: a settlement waits up to `flushMs` for others,
 * and a batch is sent as soon as it holds `batchSize`. Fencing is per settlement, but a call is one
 * transaction: a follow-up the store refuses (an illegal job step) fails the whole call, so a
 * refused batch is split and each settlement tried alone — one bad task never holds back the
 * others. A call the store did not answer (a failover, a dropped connection) is tried again a
 * few times with backoff, so a store blip does not cost finished runs; a settlement that was
 * written before the answer was lost is then reported `fenced` (its task is no longer RUNNING),
 * never applied twice.
 *
 * The batching is plain code with one promise per settlement: it runs once per task, and Effect's
 * request batching (RequestResolver, a retry schedule per request) cost more CPU than a no-op
 * task's whole run.
 */
export function makeSettler(
  outbox: OutboxStore,
  options: { readonly batchSize: number; readonly flushMs: number; readonly onBatch?: (size: number) => void },
): Settle {
  const pending: Waiting[] = [];
  let timer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    while (pending.length > 0) {
      const batch = pending.splice(0, options.batchSize);
      options.onBatch?.(batch.length);
      void send(batch);
    }
  };

  const answer = (batch: readonly Waiting[], results: readonly FencedResult[]): void =>
    batch.forEach((waiting, i) => {
      const result = results[i];
      if (result === undefined) waiting.reject(new SettleFailedError(new Error('the store answered fewer results than settlements')));
      else waiting.resolve(result);
    });

  /** One call, retried while the store does not answer; never rejects (every waiting settlement is answered). */
  const send = async (batch: readonly Waiting[]): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        answer(batch, await outbox.settle(batch.map((waiting) => waiting.settlement)));
        return;
      } catch (cause) {
        const error = new SettleFailedError(cause);
        if (!error.transient && batch.length > 1) return sendAlone(batch);
        if (!error.transient || attempt >= RETRIES) {
          for (const waiting of batch) waiting.reject(error);
          return;
        }
        await sleep(FIRST_RETRY_MS * 2 ** attempt * (0.8 + Math.random() * 0.4));
      }
    }
  };

  // A refused batch: each settlement alone, four calls at a time.
  const sendAlone = async (batch: readonly Waiting[]): Promise<void> => {
    let next = 0;
    const lane = async (): Promise<void> => {
      for (let i = next++; i < batch.length; i = next++) await send([batch[i] as Waiting]);
    };
    await Promise.all([lane(), lane(), lane(), lane()]);
  };

  return (settlement) =>
    new Promise<FencedResult>((resolve, reject) => {
      pending.push({ settlement, resolve, reject });
      if (pending.length >= options.batchSize) flush();
      else timer ??= setTimeout(flush, options.flushMs);
    });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
