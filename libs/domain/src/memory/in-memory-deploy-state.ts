import { taskFromSpec, TASK_STATUSES, TASK_TYPES, type EntityVersionRef, type OutboxTask, type TaskType } from '../deploy/outbox-task';
import { stepDeployJob, type DeployJob } from '../deploy/state-machine';
import { NotFoundError } from '../errors';
import type { Clock } from '../ports/clock';
import type { JobTaskSummary, StoredDeployJob } from '../ports/deploy-jobs';
import type { JobStep, QueueDepth, TaskSpec } from '../ports/outbox';

/** A task with what only the store sees: the current attempt's fencing token and when the task settled. */
export interface TaskRow {
  readonly task: OutboxTask;
  /** Non-null exactly while the task is RUNNING. */
  readonly token: string | null;
  /** When the task reached SUCCESS, FAILED or DEAD (prune reads it); null otherwise. */
  readonly settledAt: number | null;
}

/** A deploy job as the in-memory store keeps it. */
export interface JobRow {
  readonly tenantId: string;
  readonly job: DeployJob;
  readonly records: readonly EntityVersionRef[];
  readonly createdAt: number;
}

/** A single-flight key held by one attempt (`OutboxStore.acquireFlights`) until `until`, unless renewed. */
export interface FlightRow {
  readonly taskId: string;
  readonly token: string;
  readonly until: number;
}

export interface IdempotencyRow {
  readonly jobId: string;
  readonly requestHash: string;
}

/** Writes staged over a map, visible to reads of the same operation and applied by `commit`: all or nothing. */
export class Staged<K, V> {
  private readonly writes = new Map<K, V>();

  constructor(private readonly base: Map<K, V>) {}

  get(key: K): V | undefined {
    return this.writes.has(key) ? this.writes.get(key) : this.base.get(key);
  }

  set(key: K, value: V): void {
    this.writes.set(key, value);
  }

  commit(): void {
    for (const [key, value] of this.writes) this.base.set(key, value);
  }
}

/** Tenant and id in one map key; ids never contain NUL. */
export const jobKey = (tenantId: string, id: string): string => `${tenantId}\u0000${id}`;

/**
 * What the in-memory outbox, deploy-job store and wake-ups share: the rows, the injected clock
 * (the in-memory "database time") and a token counter. Every port method runs without awaiting
 * between its reads and writes, so each is atomic in a single-threaded process.
 */
export class InMemoryDeployState {
  readonly tasks = new Map<string, TaskRow>();
  readonly jobs = new Map<string, JobRow>();
  readonly idempotency = new Map<string, IdempotencyRow>();
  readonly flights = new Map<string, FlightRow>();
  private readonly listeners = new Set<(count: number) => void>();
  private minted = 0;

  constructor(readonly clock: Clock) {}

  /** A fresh fencing token: deterministic (no randomness in the domain), and never minted twice by this store. */
  mintToken(taskId: string, attempt: number): string {
    return `${taskId}:${attempt}:${++this.minted}`;
  }

  /** Tells subscribers that `count` tasks became claimable. A listener that throws does not undo the committed write. */
  notify(count: number): void {
    if (count <= 0) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(count);
      } catch {
        // The write is committed; a wake-up is only a hint and polling covers a missed one.
      }
    }
  }

  subscribe(listener: (count: number) => void): () => void {
    // A fresh wrapper per subscription, so subscribing one function twice needs two unsubscribes.
    const entry = (count: number): void => listener(count);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** The job's tasks as its status shows them, oldest first. */
  jobTasks(tenantId: string, jobId: string): JobTaskSummary[] {
    return [...this.tasks.values()]
      .map((row) => row.task)
      .filter((task) => task.payload.tenantId === tenantId && task.payload.jobId === jobId)
      .sort(byCreation)
      .map((task) => ({ taskId: task.taskId, type: task.type, status: task.status, attempt: task.attempt, lastError: task.lastError }));
  }

  storedJob(row: JobRow): StoredDeployJob {
    const { job } = row;
    return {
      tenantId: row.tenantId,
      jobId: job.jobId,
      axes: job.axes,
      records: row.records,
      state: job.state,
      transitions: job.transitions,
      ...(job.error === undefined ? {} : { error: job.error }),
      createdAt: row.createdAt,
      tasks: this.jobTasks(row.tenantId, job.jobId),
    };
  }

  depth(): QueueDepth[] {
    const counts = new Map<string, QueueDepth>();
    for (const { task } of this.tasks.values()) {
      const key = `${task.type}/${task.status}`;
      counts.set(key, { type: task.type, status: task.status, count: (counts.get(key)?.count ?? 0) + 1 });
    }
    return [...counts.values()].sort(byTypeAndStatus);
  }
}

/** Applies job steps in order on staged jobs; an unknown job or an illegal step throws before anything is committed. */
export function applyJobSteps(jobs: Staged<string, JobRow>, steps: readonly JobStep[], nowMs: number): void {
  for (const step of steps) {
    const key = jobKey(step.tenantId, step.jobId);
    const row = jobs.get(key);
    if (!row) throw new NotFoundError(`Deploy job ${step.tenantId}/${step.jobId}`);
    const { job, applied } = stepDeployJob(row.job, step, nowMs);
    if (applied) jobs.set(key, { ...row, job });
  }
}

/**
 * Inserts PENDING tasks for the specs whose id is not stored yet (all specs are checked first)
 * and returns the stored task of every spec, in input order, with how many were new.
 */
export function insertTasks(tasks: Staged<string, TaskRow>, specs: readonly TaskSpec[], nowMs: number): { stored: OutboxTask[]; inserted: number } {
  const fresh = specs.map((spec) => taskFromSpec(spec, nowMs));
  let inserted = 0;
  const stored = fresh.map((task) => {
    const existing = tasks.get(task.taskId);
    if (existing) return existing.task;
    tasks.set(task.taskId, { task, token: null, settledAt: null });
    inserted += 1;
    return task;
  });
  return { stored, inserted };
}

export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Claim order: oldest runAfter first, ties by id (the order PostgreSQL's claim index gives). */
export const byRunAfter = (a: OutboxTask, b: OutboxTask): number => a.runAfter - b.runAfter || compareText(a.taskId, b.taskId);

/** List order: oldest first, ties by type then id. */
export const byCreation = (a: OutboxTask, b: OutboxTask): number =>
  a.createdAt - b.createdAt || typeRank(a.type) - typeRank(b.type) || compareText(a.taskId, b.taskId);

const typeRank = (type: TaskType): number => TASK_TYPES.indexOf(type);

/** Depth order: by type, then by status, each in the order the domain declares them. */
export const byTypeAndStatus = (a: QueueDepth, b: QueueDepth): number =>
  typeRank(a.type) - typeRank(b.type) || TASK_STATUSES.indexOf(a.status) - TASK_STATUSES.indexOf(b.status);
