import { performance } from 'node:perf_hooks';
import type { OutboxStore } from '@ivm/domain';
import * as Effect from 'effect/Effect';
import * as Random from 'effect/Random';
import * as Schedule from 'effect/Schedule';
import type { LeaseRegistry } from './leases';
import type { WorkerLogger, WorkerMetrics } from './observe';
import type { WorkerSettings } from './settings';

/** What every background loop of one worker shares. */
export interface LoopContext {
  readonly outbox: OutboxStore;
  readonly settings: WorkerSettings;
  readonly logger: WorkerLogger;
  readonly metrics: WorkerMetrics;
}

/** A store call as an Effect whose failure is the thrown value. */
export const call = <A>(run: () => Promise<A>): Effect.Effect<A, unknown> => Effect.tryPromise({ try: run, catch: (thrown) => thrown });

// One iteration of a loop never ends the loop: a store that does not answer is logged and tried again next period.
const logged =
  (logger: WorkerLogger, what: string) =>
  <A>(self: Effect.Effect<A, unknown>): Effect.Effect<void> =>
    self.pipe(
      Effect.asVoid,
      Effect.catch((err) => Effect.sync(() => logger.warn({ err }, `${what} failed; trying again next period`))),
    );

/**
 * Runs `iteration` every `periodMs`, starting after a random share of one period and spacing runs
 * by ±20 %: N workers started together drift apart instead of reaping (or pruning) in lockstep.
 */
export function jitteredLoop(periodMs: number, iteration: Effect.Effect<void>): Effect.Effect<never> {
  return Random.nextBetween(0, periodMs).pipe(
    Effect.flatMap((offset) => Effect.sleep(offset)),
    Effect.andThen(iteration.pipe(Effect.repeat(Schedule.spaced(periodMs).pipe(Schedule.jittered)))),
    Effect.andThen(Effect.never),
  );
}

/**
 * One batched `heartbeat` for every lease this worker holds. A fenced answer means another attempt
 * replaced ours: that run's signal aborts. When the store does not answer, leases not renewed for a
 * whole lease are presumed lost too (the reaper may have handed them on).
 */
export function heartbeatOnce(context: LoopContext, leases: LeaseRegistry): Effect.Effect<void> {
  return Effect.suspend(() => {
    const held = leases.leases();
    if (held.length === 0) return Effect.void;
    const sentAt = performance.now();
    return call(() => context.outbox.heartbeat(held, context.settings.leaseMs)).pipe(
      Effect.map((results) => {
        const fenced = leases.renewed(held, results, sentAt);
        if (fenced > 0) context.logger.warn({ fenced, held: held.length }, 'heartbeat fenced: those leases were lost, their runs are aborted');
      }),
      Effect.catch((err) =>
        Effect.sync(() => {
          const expired = leases.expireUnrenewed();
          context.logger.warn({ err, expired }, 'heartbeat failed; runs whose lease may have expired are aborted');
        }),
      ),
    );
  });
}

/** The reaper's pass: takes back expired leases until fewer than a full batch come back; `onPending` hears how many are claimable again. */
export function reapOnce(context: LoopContext, onPending: (count: number) => void): Effect.Effect<void> {
  const pass: Effect.Effect<void, unknown> = call(() => context.outbox.reap(context.settings.reapLimit)).pipe(
    Effect.flatMap((reaped) => {
      if (reaped.length === 0) return Effect.void;
      const dead = reaped.filter((task) => task.status === 'DEAD').length;
      context.logger.info({ reaped: reaped.length, dead }, 'reaped expired leases');
      onPending(reaped.length - dead);
      return reaped.length >= context.settings.reapLimit ? pass : Effect.void;
    }),
  );
  return logged(context.logger, 'reap')(pass);
}

/** The prune pass: deletes old SUCCESS tasks in batches. */
export function pruneOnce(context: LoopContext): Effect.Effect<void> {
  const { retentionMs, pruneLimit } = context.settings;
  const pass: Effect.Effect<void, unknown> = call(() => context.outbox.prune(retentionMs, pruneLimit)).pipe(
    Effect.flatMap((deleted) => {
      if (deleted > 0) context.logger.debug({ deleted }, 'pruned settled tasks');
      return deleted >= pruneLimit ? pass : Effect.void;
    }),
  );
  return logged(context.logger, 'prune')(pass);
}

/** Samples the queue depth into the metrics. */
export function sampleDepthOnce(context: LoopContext): Effect.Effect<void> {
  return logged(context.logger, 'queue depth sample')(call(() => context.outbox.depth()).pipe(Effect.map((depth) => context.metrics.queueDepth(depth))));
}
