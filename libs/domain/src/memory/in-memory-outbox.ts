import type { OutboxTask, TaskStatus } from '../deploy/outbox-task';
import {
  checkCount,
  checkDuration,
  claimTask,
  extendTaskLease,
  isClaimable,
  isLeaseExpired,
  reapTask,
  redriveTask,
  releaseTask,
  settleTask,
} from '../deploy/outbox-task-lifecycle';
import { NotFoundError } from '../errors';
import type { ClaimedTask, FencedResult, FlightResult, JobStep, Lease, OutboxStore, QueueDepth, Settlement, TaskSpec } from '../ports/outbox';
import { acquireFlights, extendFlights, freeFlights } from './in-memory-flights';
import { applyJobSteps, byCreation, byRunAfter, insertTasks, Staged, type InMemoryDeployState, type JobRow, type TaskRow } from './in-memory-deploy-state';

/**
 * The outbox held in memory: the reference for the PostgreSQL adapter (both pass the outbox
 * contract). Times come from the injected clock, the in-memory "database time".
 */
export class InMemoryOutboxStore implements OutboxStore {
  constructor(private readonly state: InMemoryDeployState) {}

  async enqueue(specs: readonly TaskSpec[]): Promise<readonly OutboxTask[]> {
    const tasks = new Staged(this.state.tasks);
    const { stored, inserted } = insertTasks(tasks, specs, this.state.clock.now());
    tasks.commit();
    this.state.notify(inserted);
    return stored;
  }

  async claim(owner: string, limit: number, leaseMs: number): Promise<readonly ClaimedTask[]> {
    checkCount('limit', limit);
    checkDuration('leaseMs', leaseMs);
    const now = this.state.clock.now();
    const due = this.tasksWhere((task) => isClaimable(task, now))
      .sort(byRunAfter)
      .slice(0, limit);
    return due.map((pending) => {
      const task = claimTask(pending, owner, leaseMs, now);
      const token = this.state.mintToken(task.taskId, task.attempt);
      this.state.tasks.set(task.taskId, { task, token, settledAt: null });
      return { task, lease: { taskId: task.taskId, token }, waitedMs: Math.max(0, now - pending.runAfter) };
    });
  }

  async advance(lease: Lease, steps: readonly JobStep[]): Promise<FencedResult> {
    if (!this.holds(lease)) return 'fenced';
    const jobs = new Staged(this.state.jobs);
    applyJobSteps(jobs, steps, this.state.clock.now());
    jobs.commit();
    return 'applied';
  }

  async settle(settlements: readonly Settlement[]): Promise<readonly FencedResult[]> {
    const now = this.state.clock.now();
    // Everything is staged and committed at the end, so an illegal step leaves the whole call unwritten.
    const tasks = new Staged(this.state.tasks);
    const jobs = new Staged<string, JobRow>(this.state.jobs);
    let claimable = 0;
    const ended: string[] = [];
    const results = settlements.map((settlement): FencedResult => {
      const row = tasks.get(settlement.lease.taskId);
      if (!holds(row, settlement.lease)) return 'fenced';
      const task = settleTask(row.task, settlement, now);
      tasks.set(task.taskId, { task, token: null, settledAt: task.status === 'PENDING' ? null : now });
      ended.push(task.taskId);
      if (settlement.kind !== 'RETRY' && settlement.followUp) {
        applyJobSteps(jobs, settlement.followUp.steps, now);
        claimable += insertTasks(tasks, settlement.followUp.enqueue, now).inserted;
      }
      return 'applied';
    });
    tasks.commit();
    jobs.commit();
    freeFlights(this.state, ended);
    this.state.notify(claimable);
    return results;
  }

  async acquireFlights(lease: Lease, keys: readonly string[], leaseMs: number): Promise<FlightResult> {
    checkDuration('leaseMs', leaseMs);
    if (!this.holds(lease)) return 'fenced';
    return acquireFlights(this.state, lease, keys, leaseMs);
  }

  async heartbeat(leases: readonly Lease[], leaseMs: number): Promise<readonly FencedResult[]> {
    checkDuration('leaseMs', leaseMs);
    const now = this.state.clock.now();
    return leases.map((lease) => {
      const result = this.update(lease, (row) => ({ ...row, task: extendTaskLease(row.task, row.task.leaseOwner ?? '', leaseMs, now) }));
      if (result === 'applied') extendFlights(this.state, lease, now + leaseMs);
      return result;
    });
  }

  async release(leases: readonly Lease[]): Promise<readonly FencedResult[]> {
    const now = this.state.clock.now();
    const results = leases.map((lease) => this.update(lease, (row) => ({ task: releaseTask(row.task, now), token: null, settledAt: null })));
    freeFlights(
      this.state,
      leases.filter((_, i) => results[i] === 'applied').map((lease) => lease.taskId),
    );
    this.state.notify(results.filter((result) => result === 'applied').length);
    return results;
  }

  async reap(limit: number): Promise<readonly OutboxTask[]> {
    checkCount('limit', limit);
    const now = this.state.clock.now();
    const expired = this.tasksWhere((task) => isLeaseExpired(task, now))
      .sort((a, b) => (a.leaseUntil ?? 0) - (b.leaseUntil ?? 0) || byRunAfter(a, b))
      .slice(0, limit);
    const reaped = expired.map((task) => reapTask(task, now));
    for (const task of reaped) this.state.tasks.set(task.taskId, { task, token: null, settledAt: task.status === 'DEAD' ? now : null });
    freeFlights(
      this.state,
      reaped.map((task) => task.taskId),
    );
    this.state.notify(reaped.filter((task) => task.status === 'PENDING').length);
    return reaped;
  }

  async prune(retentionMs: number, limit: number): Promise<number> {
    checkDuration('retentionMs', retentionMs);
    checkCount('limit', limit);
    const now = this.state.clock.now();
    const old = [...this.state.tasks.values()]
      .filter((row) => row.task.status === 'SUCCESS' && row.settledAt !== null && now - row.settledAt > retentionMs)
      .sort((a, b) => (a.settledAt ?? 0) - (b.settledAt ?? 0))
      .slice(0, limit);
    for (const row of old) this.state.tasks.delete(row.task.taskId);
    return old.length;
  }

  async list(status: TaskStatus, limit: number): Promise<readonly OutboxTask[]> {
    checkCount('limit', limit);
    return this.tasksWhere((task) => task.status === status)
      .sort(byCreation)
      .slice(0, limit);
  }

  async get(taskId: string): Promise<OutboxTask | undefined> {
    return this.state.tasks.get(taskId)?.task;
  }

  async redrive(taskId: string): Promise<OutboxTask> {
    const row = this.state.tasks.get(taskId);
    if (!row) throw new NotFoundError(`Outbox task ${taskId}`);
    const task = redriveTask(row.task, this.state.clock.now());
    this.state.tasks.set(taskId, { task, token: null, settledAt: null });
    this.state.notify(1);
    return task;
  }

  async depth(): Promise<readonly QueueDepth[]> {
    return this.state.depth();
  }

  private tasksWhere(predicate: (task: OutboxTask) => boolean): OutboxTask[] {
    const out: OutboxTask[] = [];
    for (const { task } of this.state.tasks.values()) if (predicate(task)) out.push(task);
    return out;
  }

  private holds(lease: Lease): boolean {
    return holds(this.state.tasks.get(lease.taskId), lease);
  }

  /** Writes `change(row)` when the lease is the task's current attempt; 'fenced' and nothing written otherwise. */
  private update(lease: Lease, change: (row: TaskRow) => TaskRow): FencedResult {
    const row = this.state.tasks.get(lease.taskId);
    if (!holds(row, lease)) return 'fenced';
    this.state.tasks.set(lease.taskId, change(row));
    return 'applied';
  }
}

/** Fencing: the lease names the current attempt of a task that is still RUNNING. */
function holds(row: TaskRow | undefined, lease: Lease): row is TaskRow {
  return row !== undefined && row.task.status === 'RUNNING' && row.token !== null && row.token === lease.token;
}
