import { performance } from 'node:perf_hooks';
import type { TaskHandler, TaskHandlers } from '@ivm/application';
import { TransientError, type ClaimedTask, type FollowUp, type Lease, type OutboxStore, type TaskWakeups } from '@ivm/domain';
import * as Deferred from 'effect/Deferred';
import * as Effect from 'effect/Effect';
import * as Exit from 'effect/Exit';
import * as Fiber from 'effect/Fiber';
import * as Latch from 'effect/Latch';
import * as Option from 'effect/Option';
import * as Schedule from 'effect/Schedule';
import * as Scope from 'effect/Scope';
import { Demand } from './demand';
import { LeaseRegistry, type HeldLease } from './leases';
import { call, heartbeatOnce, jitteredLoop, pruneOnce, reapOnce, sampleDepthOnce, type LoopContext } from './loops';
import { NO_METRICS, SILENT_LOGGER, type WorkerLogger, type WorkerMetrics } from './observe';
import { outcomeLabel, settlementOf } from './run-task';
import { Runs, type Run } from './runs';
import type { WorkerSettings } from './settings';
import { makeSettler, type Settle } from './settler';

/** What a worker runs on. */
export interface WorkerDeps {
  readonly outbox: OutboxStore;
  /** Wake-ups on enqueue; without them the worker polls only. */
  readonly wakeups?: TaskWakeups;
  readonly handlers: TaskHandlers;
  readonly settings: WorkerSettings;
  readonly logger?: WorkerLogger;
  readonly metrics?: WorkerMetrics;
  /** Sizes of the `settle` batches as they are sent (tests, benchmarks). */
  readonly onSettleBatch?: (size: number) => void;
}

/** How a stop went. */
export interface StopReport {
  /** Runs that ended (settled or refused) after the stop began. */
  readonly finished: number;
  /** Leases given back unfinished after the grace period. */
  readonly released: number;
}

/** A running worker. */
export interface WorkerHandle {
  /** The lease owner it claims as. */
  readonly owner: string;
  /** Leases held now (claimed ahead and waiting for a slot, running, or being settled). */
  inFlight(): number;
  /** Stops claiming, lets in-flight runs finish within the grace period, aborts and releases the rest. Idempotent. */
  stop(): Promise<StopReport>;
  /** Settles when the worker has stopped (rejects if it died). */
  readonly stopped: Promise<StopReport>;
}

/**
 * Starts a worker: it claims tasks in batches of up to its idle slots, runs each on its own fiber,
 * heartbeats its leases, settles outcomes in batches, reaps and prunes. Resolves once it listens
 * for wake-ups. Usable in-process (the API's `npm start`, a benchmark) as well as in `main`.
 */
export async function startWorker(deps: WorkerDeps): Promise<WorkerHandle> {
  const stopSignal = Deferred.makeUnsafe<void>();
  const started = Deferred.makeUnsafe<void>();
  let leases: LeaseRegistry | undefined;
  const fiber = Effect.runFork(
    Effect.scoped(
      worker(deps, stopSignal, started, (registry) => {
        leases = registry;
      }),
    ),
  );
  const stopped = Effect.runPromise(Fiber.join(fiber));
  // Whoever awaits `stopped` sees a failure; this keeps it from being reported as unhandled meanwhile.
  stopped.catch(() => undefined);
  await Promise.race([Effect.runPromise(Deferred.await(started)), stopped]);
  return {
    owner: deps.settings.owner,
    inFlight: () => leases?.size ?? 0,
    stop: () => {
      Deferred.doneUnsafe(stopSignal, Effect.void);
      return stopped;
    },
    stopped,
  };
}

function worker(
  deps: WorkerDeps,
  stopSignal: Deferred.Deferred<void>,
  started: Deferred.Deferred<void>,
  expose: (leases: LeaseRegistry) => void,
): Effect.Effect<StopReport, unknown, Scope.Scope> {
  return Effect.gen(function* () {
    const { outbox, settings } = deps;
    const logger = deps.logger ?? SILENT_LOGGER;
    const metrics = deps.metrics ?? NO_METRICS;
    const context: LoopContext = { outbox, settings, logger, metrics };
    const leases = new LeaseRegistry(settings.owner, settings.leaseMs);
    expose(leases);
    const demand = new Demand();
    const wake = yield* Latch.make(false);
    const settle = makeSettler(outbox, { batchSize: settings.settleBatchSize, flushMs: settings.settleFlushMs, onBatch: deps.onSettleBatch });
    // A slot is busy while its handler runs; the settlement that follows waits for its batch without holding the slot.
    const counts = { settled: 0, running: 0 };
    const runs = new Runs();
    // Claimed tasks waiting for a slot (at most `prefetch` beyond the slots), leased and heartbeated like running ones.
    const queued: { readonly held: HeldLease; readonly sentAt: number }[] = [];
    let starting = true;
    const startQueued = (): void => {
      while (starting && counts.running < settings.concurrency) {
        const next = queued.shift();
        if (!next) return;
        // A lease presumed lost while it waited (fenced or not renewed) is not run: its task comes back through the reaper.
        if (next.held.lost.signal.aborted) {
          leases.remove(next.held.claimed.lease);
          continue;
        }
        counts.running += 1;
        runTask(next.held, next.sentAt);
      }
    };
    const announce = (count: number): void => {
      demand.announce(count);
      wake.openUnsafe();
    };

    // Everything that brings work in lives in its own scope, closed first on stop.
    const intake = yield* Scope.fork(yield* Effect.scope);
    if (deps.wakeups) {
      const wakeups = deps.wakeups;
      const unsubscribe = yield* call(() => wakeups.subscribe(announce));
      yield* Scope.addFinalizer(
        intake,
        call(unsubscribe).pipe(Effect.catch((err) => Effect.sync(() => logger.warn({ err }, 'unsubscribing from wake-ups failed')))),
      );
    }
    const runTask = (held: HeldLease, sentAt: number): void =>
      void runOne(deps, runs.add(held), sentAt, settle, context, runs, {
        ran: () => {
          counts.running -= 1;
          startQueued();
          wake.openUnsafe();
        },
        settled: () => {
          leases.remove(held.claimed.lease);
          counts.settled += 1;
          metrics.inFlight(leases.size);
        },
      });
    const claimLoop = Effect.gen(function* () {
      for (;;) {
        const room = settings.concurrency + settings.prefetch - counts.running - queued.length;
        // With tasks claimed ahead, the queue is refilled once half of it has drained: in batches, not one claim per freed slot.
        const refill = queued.length <= Math.floor(settings.prefetch / 2);
        if (!refill || !demand.due(room)) {
          yield* wake.await;
          yield* wake.close;
          // Runs that end in the same tick as the one that woke us free their slots first: one claim for all of them, not one per slot.
          yield* Effect.yieldNow;
          continue;
        }
        // Uninterruptible: tasks this claim leases are always registered, and run or (on stop) released, even when stop comes mid-call.
        const ok = yield* Effect.uninterruptible(
          Effect.gen(function* () {
            const limit = demand.start(room);
            const sentAt = performance.now();
            const answers = yield* Effect.forEach(
              claimSizes(limit, settings.claimBatchSize),
              (size) => Effect.exit(call(() => outbox.claim(settings.owner, size, settings.leaseMs))),
              { concurrency: 'unbounded' },
            );
            // Every call that answered leased its tasks: they run even when another call of the same claim failed.
            const claimed = answers.flatMap((answer) => (Exit.isSuccess(answer) ? answer.value : []));
            const failed = answers.find(Exit.isFailure);
            demand.finish(limit, failed ? 0 : claimed.length);
            for (const task of claimed) queued.push({ held: leases.add(task, sentAt), sentAt });
            startQueued();
            metrics.inFlight(leases.size);
            if (failed) logger.warn({ err: Option.getOrUndefined(Exit.findErrorOption(failed)) }, 'claim failed; trying again shortly');
            return failed === undefined;
          }),
        );
        if (!ok) yield* Effect.sleep(Math.min(settings.pollMs, 1_000));
      }
    });
    // The demand starts as a backlog, so the first poll is due one (jittered) period after boot.
    const poll = Effect.sync(() => announcePoll(demand, wake)).pipe(Effect.schedule(Schedule.spaced(settings.pollMs).pipe(Schedule.jittered)));

    yield* Effect.forkIn(claimLoop, intake);
    yield* Effect.forkIn(poll, intake);
    yield* Effect.forkIn(jitteredLoop(settings.reapEveryMs, reapOnce(context, announce)), intake);
    yield* Effect.forkIn(jitteredLoop(settings.pruneEveryMs, pruneOnce(context)), intake);
    if (deps.metrics) yield* Effect.forkIn(jitteredLoop(settings.depthSampleMs, sampleDepthOnce(context)), intake);
    // Heartbeats outlive the intake: in-flight runs keep their leases through the grace period.
    yield* Effect.forkScoped(heartbeatOnce(context, leases).pipe(Effect.repeat(Schedule.spaced(settings.heartbeatMs))));
    logger.info({ owner: settings.owner, concurrency: settings.concurrency, leaseMs: settings.leaseMs }, 'worker started');
    yield* Deferred.succeed(started, undefined);

    yield* Deferred.await(stopSignal);
    const settledBefore = counts.settled;
    logger.info({ inFlight: leases.size, graceMs: settings.shutdownGraceMs }, 'worker stopping: no more claims, finishing in-flight tasks');
    yield* Scope.close(intake, Exit.void);
    // Tasks claimed ahead that never started go back at once, for other workers to take while the runs finish.
    starting = false;
    const unstarted = queued.splice(0).map((entry) => entry.held.claimed.lease);
    const releasedEarly = yield* releaseLeases(outbox, leases, unstarted, logger);
    const drained = yield* Effect.promise(() => runs.whenEmpty()).pipe(Effect.timeoutOption(settings.shutdownGraceMs));
    // Past the grace period: interrupting a run aborts its handler's signal; a run already settling finishes settling.
    if (Option.isNone(drained)) yield* Effect.promise(() => runs.interrupt());
    const released = releasedEarly + (yield* releaseLeases(outbox, leases, leases.all(), logger));
    const report: StopReport = { finished: counts.settled - settledBefore, released };
    logger.info(report, 'worker stopped');
    return report;
  });
}

/** One claim of `limit` tasks as calls of at most `batchSize` each. */
function claimSizes(limit: number, batchSize: number): number[] {
  const sizes: number[] = [];
  for (let left = limit; left > 0; left -= batchSize) sizes.push(Math.min(left, batchSize));
  return sizes;
}

function announcePoll(demand: Demand, wake: Latch.Latch): void {
  demand.poll();
  wake.openUnsafe();
}

/**
 * One run, as a plain promise that never rejects: the handler, then its settlement. A stop past the
 * grace period interrupts the handler (`Runs.interrupt`: its signal aborts, its lease is released
 * by the stop sequence, and whatever it answers later is dropped); a run already settling finishes,
 * so a finished run's outcome is always written if the store answers.
 */
async function runOne(
  deps: WorkerDeps,
  run: Run,
  sentAt: number,
  settle: Settle,
  context: LoopContext,
  runs: Runs,
  done: { readonly ran: () => void; readonly settled: () => void },
): Promise<void> {
  const { claimed } = run.held;
  const { logger, metrics, settings } = context;
  const type = claimed.task.type;
  const handler = handlerFor(deps.handlers, claimed);
  try {
    metrics.claimToStart(type, (claimed.waitedMs + (performance.now() - sentAt)) / 1_000);
    let result: Exit.Exit<FollowUp | undefined, unknown>;
    try {
      result = Exit.succeed(await handler.run(claimed, run.held.lost.signal));
    } catch (thrown) {
      result = Exit.fail(thrown);
    }
    done.ran();
    if (run.interrupted) return; // stopped past the grace period: the lease is released by the stop sequence
    run.settling = true;
    const settlement = settlementOf(claimed, handler, result, settings.retry, (err) =>
      logger.error({ err, taskId: claimed.task.taskId }, 'onFinalFailure threw: the failure is settled without its job steps'),
    );
    try {
      const written = await settle(settlement);
      const label = outcomeLabel(settlement, written === 'fenced');
      metrics.taskSettled(type, label);
      if (label !== 'ok') logOutcome(logger, claimed, settlement.kind, label);
    } catch (err) {
      logger.error({ err, taskId: claimed.task.taskId }, 'settlement not written: the lease will expire and the reaper returns the task');
    }
    done.settled();
  } catch (err) {
    // A bug on this path (metrics, logging): the lease is left to expire, the reaper returns the task.
    logger.error({ err, taskId: claimed.task.taskId }, 'run failed in the runtime; its lease will expire');
  } finally {
    runs.delete(run);
  }
}

function logOutcome(logger: WorkerLogger, claimed: ClaimedTask, kind: string, label: string): void {
  const fields = { taskId: claimed.task.taskId, type: claimed.task.type, attempt: claimed.task.attempt, outcome: label };
  if (label === 'fenced') logger.warn(fields, 'settlement refused: this attempt had lost its lease to another');
  else if (kind === 'RETRY') logger.info(fields, 'task will be retried');
  else logger.error(fields, `task ${label}`);
}

// A task type this build has no handler for (a newer producer during a rolling deploy): retry, an upgraded worker will take it.
function handlerFor(handlers: TaskHandlers, claimed: ClaimedTask): TaskHandler {
  const handler: TaskHandler | undefined = handlers[claimed.task.type];
  return handler ?? MISSING_HANDLER;
}

const MISSING_HANDLER: TaskHandler = {
  run: (claimed) => Promise.reject(new TransientError(`this worker has no handler for task type ${claimed.task.type}`)),
  onFinalFailure: () => undefined,
};

// Leases given back unfinished (never started, or interrupted past the grace period): back to PENDING, the attempt not counted.
function releaseLeases(outbox: OutboxStore, leases: LeaseRegistry, held: readonly Lease[], logger: WorkerLogger): Effect.Effect<number> {
  if (held.length === 0) return Effect.succeed(0);
  return call(() => outbox.release(held)).pipe(
    Effect.retry(Schedule.exponential(50).pipe(Schedule.upTo({ times: 3 }))),
    Effect.map((results) => {
      for (const lease of held) leases.remove(lease);
      const released = results.filter((result) => result === 'applied').length;
      logger.info({ released, fenced: held.length - released }, 'released unfinished tasks');
      return released;
    }),
    Effect.catch((err) => Effect.sync(() => (logger.error({ err, leases: held.length }, 'release failed: those tasks come back when their leases expire'), 0))),
  );
}
