/**
 * What the bench and its worker processes say to each other over the IPC channel (advanced
 * serialization). Our side's worker (apps/worker/bench/outbox-bench-worker.ts) repeats these shapes:
 * an app does not import a tool.
 */

/** Task ids of our outbox are `bench-<n>`; graphile-worker's payload is `{ n }`. */
export const TASK_ID_PREFIX = 'bench-';

/** Child → bench. */
export type WorkerMessage =
  | { readonly type: 'ready'; readonly pid: number }
  /** Tasks whose handler started since the last report, with the start times (epoch ms, sub-millisecond). */
  | { readonly type: 'ran'; readonly ids: readonly number[]; readonly startedAt: readonly number[] }
  /** After a `stop`: the worker stopped; `calls` counts its store calls where the side can count them. */
  | { readonly type: 'stopped'; readonly report?: unknown; readonly calls?: Readonly<Record<string, { readonly calls: number; readonly items: number }>> };

/** Bench → child. */
export type BenchMessage = { readonly type: 'stop' };

/** Our worker process's settings (env OUTBOX_BENCH_WORKER). */
export interface OursWorkerConfig {
  readonly connectionString: string;
  readonly concurrency: number;
  readonly poolSize: number;
  readonly pollMs: number;
  readonly prefetch: number;
  readonly claimBatchSize: number;
  readonly settleBatchSize: number;
  readonly settleFlushMs: number;
}

/** graphile-worker's process settings (env OUTBOX_BENCH_WORKER). */
export interface GraphileWorkerConfig {
  readonly connectionString: string;
  readonly concurrency: number;
  readonly poolSize: number;
  readonly pollMs: number;
  /** `preset.worker` options on top of those (batching features), as passed to `run`. */
  readonly preset: Readonly<Record<string, unknown>>;
}
