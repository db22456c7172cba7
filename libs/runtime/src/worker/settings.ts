import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '@ivm/domain';

/** How one worker runs: slots, lease timing, retries, batching and housekeeping. Every duration is in milliseconds. */
export interface WorkerSettings {
  /** The lease owner this worker claims as; unique per worker (host, pid, a random part). */
  readonly owner: string;
  /** Tasks run at once (slots). */
  readonly concurrency: number;
  /**
   * Tasks claimed ahead of the free slots, held leased (and heartbeated) in a local queue until a slot
   * frees: a backlog of short tasks then costs one claim round trip per `concurrency + prefetch`
   * tasks instead of one per slot that freed, and the next task starts without waiting for the
   * database. Only a backlog fills it (a wake-up for n tasks still claims n); a stop releases the
   * queued tasks at once. Default 0: a claim asks for the idle slots only, which suits long tasks —
   * a queued task waits for this worker's slots even when another worker is idle.
   */
  readonly prefetch: number;
  /**
   * Tasks one `claim` call asks for at most (default: `concurrency + prefetch`, one call for all the room there is).
   * Below that, a claim of more idle slots is split into calls of this size sent at once — 1 is
   * the one-task-per-call mode the outbox benchmark compares with graphile-worker's default.
   */
  readonly claimBatchSize: number;
  /** How long a claim or heartbeat leases a task. */
  readonly leaseMs: number;
  /** Heartbeat period: a third of the lease, so two heartbeats may fail before a lease can expire. */
  readonly heartbeatMs: number;
  /** Claim attempt period when no wake-up came (the fallback for a missed NOTIFY). */
  readonly pollMs: number;
  /** Backoff of failed runs (see `nextOutcome`). */
  readonly retry: RetryPolicy;
  /** Settlements per `settle` call at most. */
  readonly settleBatchSize: number;
  /** How long a settlement waits for others to share its `settle` call. */
  readonly settleFlushMs: number;
  /** Reaper period (jittered): how soon an expired lease is taken back. */
  readonly reapEveryMs: number;
  /** Tasks taken back per `reap` call. */
  readonly reapLimit: number;
  /** Prune period (jittered). */
  readonly pruneEveryMs: number;
  /** SUCCESS tasks older than this are deleted. */
  readonly retentionMs: number;
  /** Tasks deleted per `prune` call. */
  readonly pruneLimit: number;
  /** On stop, how long in-flight tasks may take to finish before they are released. */
  readonly shutdownGraceMs: number;
  /** Queue depth sampling period (for metrics). */
  readonly depthSampleMs: number;
}

const DEFAULT_LEASE_MS = 30_000;

/** Settings with defaults filled in and checked; a bad one fails with its name (RangeError). */
export function workerSettings(overrides: Partial<WorkerSettings> & Pick<WorkerSettings, 'owner'>): WorkerSettings {
  const leaseMs = overrides.leaseMs ?? DEFAULT_LEASE_MS;
  const concurrency = overrides.concurrency ?? 8;
  const prefetch = overrides.prefetch ?? 0;
  const settings: WorkerSettings = {
    concurrency,
    prefetch,
    claimBatchSize: concurrency + prefetch,
    leaseMs,
    heartbeatMs: Math.max(1, Math.floor(leaseMs / 3)),
    pollMs: 1_000,
    retry: DEFAULT_RETRY_POLICY,
    settleBatchSize: 64,
    settleFlushMs: 5,
    // Half a lease: an expired lease waits at most about half a lease more for the reaper.
    reapEveryMs: Math.max(1, Math.floor(leaseMs / 2)),
    reapLimit: 100,
    pruneEveryMs: 60_000,
    retentionMs: 7 * 24 * 3_600_000,
    pruneLimit: 1_000,
    shutdownGraceMs: 10_000,
    depthSampleMs: 5_000,
    ...overrides,
  };
  const positive = (name: keyof WorkerSettings, min = 1): void => {
    const value = settings[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
      throw new RangeError(`WorkerSettings.${name} must be an integer ≥ ${min}, got ${String(value)}`);
  };
  for (const name of [
    'concurrency',
    'claimBatchSize',
    'leaseMs',
    'heartbeatMs',
    'pollMs',
    'settleBatchSize',
    'reapEveryMs',
    'reapLimit',
    'pruneEveryMs',
    'pruneLimit',
    'depthSampleMs',
  ] as const)
    positive(name);
  for (const name of ['prefetch', 'settleFlushMs', 'retentionMs', 'shutdownGraceMs'] as const) positive(name, 0);
  if (settings.heartbeatMs >= settings.leaseMs)
    throw new RangeError(`WorkerSettings.heartbeatMs must be below leaseMs (${settings.leaseMs}), got ${settings.heartbeatMs}`);
  if (settings.owner.trim() === '') throw new RangeError('WorkerSettings.owner must not be empty');
  return settings;
}
