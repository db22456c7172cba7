import type { TaskHandlers } from '@ivm/application';
import { type OutboxStore, type TaskWakeups } from '@ivm/domain';
import { createWorkerMetrics, processOwner, startWorker, type StopReport, type WorkerRuntimeConfig, workerSettingsFrom } from '@ivm/runtime';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { WorkerConfig } from './config';
import { close, createHealthServer, listen } from './http';

/** The orchestration stores a worker process runs on (`openPostgres` in production). */
export interface OrchestrationStores {
  readonly outbox: OutboxStore;
  readonly wakeups: TaskWakeups;
  close(): Promise<void>;
}

/** The settings the worker runtime takes from the process configuration. */
export type RuntimeConfig = WorkerRuntimeConfig;

/** A worker process's parts, once started. */
export interface RunningWorkerProcess {
  readonly owner: string;
  /** The bound health/metrics port. */
  readonly port: number;
  /** The shutdown sequence (also run on SIGTERM/SIGINT): stop the runtime, close the server and the stores. */
  shutdown(): Promise<StopReport>;
}

/**
 * Runs one worker process: the runtime with `handlers` on `stores`, `/healthz` and `/metrics`, and
 * SIGTERM/SIGINT → stop claiming, finish or release in-flight tasks, close the stores, exit 0.
 * This is where the task handlers are wired in (`main` passes the deploy handlers, the process
 * tests a recording handler).
 */
export async function runWorkerProcess(options: {
  readonly config: RuntimeConfig & Pick<WorkerConfig, 'port' | 'host'>;
  readonly stores: OrchestrationStores;
  readonly handlers: TaskHandlers;
  readonly logger: Logger;
  readonly owner?: string;
  /** The registry /metrics serves, shared with other metrics of the process (the sinks'); default a new one. */
  readonly metrics?: Registry;
  /** Called with the exit code after a signal's shutdown; process.exit by default. */
  readonly exit?: (code: number) => void;
}): Promise<RunningWorkerProcess> {
  const { config, stores, logger } = options;
  const settings = workerSettingsFrom(config, options.owner ?? processOwner('worker'));
  const metrics = createWorkerMetrics(options.metrics ? { registry: options.metrics, defaults: true } : {});
  const worker = await startWorker({ outbox: stores.outbox, wakeups: stores.wakeups, handlers: options.handlers, settings, logger, metrics });
  let stopping: Promise<StopReport> | undefined;
  const server = createHealthServer(
    { healthy: () => stopping === undefined, details: () => ({ owner: worker.owner, inFlight: worker.inFlight() }) },
    metrics.registry,
  );
  const port = await listen(server, config.port, config.host);
  logger.info({ owner: worker.owner, port }, `worker health and metrics on http://${config.host}:${port}`);

  const shutdown = (): Promise<StopReport> =>
    (stopping ??= (async () => {
      try {
        const report = await worker.stop();
        await close(server);
        await stores.close();
        return report;
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    })());
  const exit = options.exit ?? ((code: number) => process.exit(code));
  function onSignal(signal: NodeJS.Signals): void {
    logger.info({ signal }, 'signal received: shutting down');
    shutdown().then(
      () => exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        exit(1);
      },
    );
  }
  // `on`, not `once`: a second signal during the shutdown joins it instead of killing the process.
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // A worker that died on its own (not through stop) must not linger as a healthy-looking process.
  worker.stopped.catch((err: unknown) => {
    logger.fatal({ err }, 'worker runtime died');
    exit(1);
  });
  return { owner: worker.owner, port, shutdown };
}
