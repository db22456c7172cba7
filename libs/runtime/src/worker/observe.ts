import type { QueueDepth, TaskType } from '@ivm/domain';

/** The logger the runtime writes to; a pino logger fits. */
export interface WorkerLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** How an attempt ended, as counted: `fenced` when the store refused its settlement (the lease was lost). */
export type TaskOutcomeLabel = 'ok' | 'retry' | 'failed' | 'dead' | 'fenced';

/** What the runtime reports; the app maps it onto prom-client (see `createWorkerMetrics`). */
export interface WorkerMetrics {
  /** One attempt settled (or refused). */
  taskSettled(type: TaskType, outcome: TaskOutcomeLabel): void;
  /** From the moment the task became claimable (database time) to its run's start. */
  claimToStart(type: TaskType, seconds: number): void;
  /** Tasks leased by this worker right now (running or settling). */
  inFlight(count: number): void;
  /** The latest queue depth sample. */
  queueDepth(depth: readonly QueueDepth[]): void;
}

/** Reports nothing: for a benchmark or an in-process worker without metrics. */
export const NO_METRICS: WorkerMetrics = {
  taskSettled: () => undefined,
  claimToStart: () => undefined,
  inFlight: () => undefined,
  queueDepth: () => undefined,
};

/** Logs nothing. */
export const SILENT_LOGGER: WorkerLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
