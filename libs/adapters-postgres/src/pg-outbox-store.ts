import {
  checkCount,
  checkDuration,
  type ClaimedTask,
  type FencedResult,
  type JobStep,
  type Lease,
  type OutboxStore,
  type OutboxTask,
  type QueueDepth,
  type Settlement,
  type TaskSpec,
  type TaskStatus,
} from '@ivm/domain';
import type { Database, Queryable } from './client';
import { guarded } from './errors';
import { occurrenceRounds } from './rounds';
import { claimTasks } from './sql/claim-tasks';
import { enqueueTasks } from './sql/enqueue-tasks';
import { advanceJob } from './sql/advance-job';
import { getTasks } from './sql/get-tasks';
import { heartbeatTasks, leaseKey } from './sql/heartbeat-tasks';
import { stepJobs, type LockedJob } from './sql/job-steps';
import { listTasks } from './sql/list-tasks';
import { pruneTasks } from './sql/prune-tasks';
import { queueDepth } from './sql/queue-depth';
import { reapTasks } from './sql/reap-tasks';
import { redriveTask } from './sql/redrive-task';
import { releaseTasks } from './sql/release-tasks';
import { settleTasks } from './sql/settle-tasks';
import { settleAndLockJobs } from './sql/settle-with-follow-ups';
import { writeFollowUps } from './sql/write-follow-ups';

/**
 * The outbox on PostgreSQL. Hot paths are one round trip each: claim, heartbeat, and a settle
 * batch without follow-ups are single statements. A settle with follow-ups is one transaction:
 * the fenced batch update, then the job steps of the settlements that applied, then their tasks.
 * Every method is async, so a refused argument rejects like any other failure.
 */
export class PgOutboxStore implements OutboxStore {
  constructor(private readonly db: Database) {}

  async enqueue(specs: readonly TaskSpec[]): Promise<readonly OutboxTask[]> {
    return guarded('enqueue', async () => (await enqueueTasks(this.db.query, specs)).tasks);
  }

  async claim(owner: string, limit: number, leaseMs: number): Promise<readonly ClaimedTask[]> {
    checkCount('limit', limit);
    checkDuration('leaseMs', leaseMs);
    return guarded('claim', () => claimTasks(this.db.query, owner, limit, leaseMs));
  }

  async advance(lease: Lease, steps: readonly JobStep[]): Promise<FencedResult> {
    return guarded('advance', () => this.db.transaction((q) => advanceJob(q, lease, steps)));
  }

  async settle(settlements: readonly Settlement[]): Promise<readonly FencedResult[]> {
    for (const settlement of settlements) if (settlement.kind === 'RETRY') checkDuration('delayMs', settlement.delayMs);
    const rounds = occurrenceRounds(settlements.map((s) => s.lease.taskId));
    return guarded('settle', async () => {
      if (rounds.length <= 1 && !settlements.some(hasFollowUp)) {
        const applied = await settleTasks(this.db.query, settlements);
        return settlements.map((s) => (applied.has(s.lease.taskId) ? 'applied' : 'fenced'));
      }
      return this.db.transaction((q) => settleWithFollowUps(q, settlements, rounds));
    });
  }

  async heartbeat(leases: readonly Lease[], leaseMs: number): Promise<readonly FencedResult[]> {
    checkDuration('leaseMs', leaseMs);
    return guarded('heartbeat', async () => {
      const held = await heartbeatTasks(this.db.query, leases, leaseMs);
      return leases.map((l) => (held.has(leaseKey(l.taskId, l.token)) ? 'applied' : 'fenced'));
    });
  }

  async release(leases: readonly Lease[]): Promise<readonly FencedResult[]> {
    const rounds = occurrenceRounds(leases.map((l) => l.taskId));
    return guarded('release', async () => {
      if (rounds.length <= 1) {
        const released = await releaseTasks(this.db.query, leases);
        return leases.map((l) => (released.has(l.taskId) ? 'applied' : 'fenced'));
      }
      return this.db.transaction(async (q) => {
        const results: FencedResult[] = leases.map(() => 'fenced');
        for (const round of rounds) {
          const released = await releaseTasks(
            q,
            round.map((i) => leases[i] as Lease),
          );
          for (const i of round) if (released.has((leases[i] as Lease).taskId)) results[i] = 'applied';
        }
        return results;
      });
    });
  }

  async reap(limit: number): Promise<readonly OutboxTask[]> {
    checkCount('limit', limit);
    return guarded('reap', () => reapTasks(this.db.query, limit));
  }

  async prune(retentionMs: number, limit: number): Promise<number> {
    checkDuration('retentionMs', retentionMs);
    checkCount('limit', limit);
    return guarded('prune', () => pruneTasks(this.db.query, retentionMs, limit));
  }

  async list(status: TaskStatus, limit: number): Promise<readonly OutboxTask[]> {
    checkCount('limit', limit);
    return guarded('list', () => listTasks(this.db.query, status, limit));
  }

  async get(taskId: string): Promise<OutboxTask | undefined> {
    return guarded('get', async () => (await getTasks(this.db.query, [taskId]))[0]);
  }

  async redrive(taskId: string): Promise<OutboxTask> {
    return guarded('redrive', () => redriveTask(this.db.query, taskId));
  }

  async depth(): Promise<readonly QueueDepth[]> {
    return guarded('depth', () => queueDepth(this.db.query));
  }
}

function hasFollowUp(settlement: Settlement): boolean {
  return settlement.kind !== 'RETRY' && settlement.followUp !== undefined && (settlement.followUp.steps.length > 0 || settlement.followUp.enqueue.length > 0);
}

/**
 * In one transaction of four round trips (BEGIN, two statements, COMMIT): the fenced batch update
 * with the lock of the follow-ups' jobs, then — in input order, for the settlements that applied —
 * the job steps and new tasks in one write. A task named twice is settled again in a later round.
 */
async function settleWithFollowUps(q: Queryable, settlements: readonly Settlement[], rounds: readonly number[][]): Promise<FencedResult[]> {
  const results: FencedResult[] = settlements.map(() => 'fenced');
  const named = settlements.flatMap((s) => (s.kind !== 'RETRY' && s.followUp ? s.followUp.steps : []));
  let jobs = new Map<string, LockedJob>();
  for (const [r, round] of rounds.entries()) {
    const batch = round.map((i) => settlements[i] as Settlement);
    const settled = r === 0 ? await settleAndLockJobs(q, batch, named) : { applied: await settleTasks(q, batch), jobs };
    jobs = settled.jobs;
    for (const i of round) if (settled.applied.has((settlements[i] as Settlement).lease.taskId)) results[i] = 'applied';
  }
  const followUps = settlements.flatMap((s, i) => (results[i] === 'applied' && s.kind !== 'RETRY' && s.followUp ? [s.followUp] : []));
  const moved = stepJobs(
    jobs,
    followUps.flatMap((f) => f.steps),
  );
  await writeFollowUps(
    q,
    moved,
    followUps.flatMap((f) => f.enqueue),
  );
  return results;
}
