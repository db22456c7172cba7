import type { HeldLease } from './leases';
import { WorkerStoppingError } from './run-task';

/** One run in flight: in its handler, or settling its outcome. */
export interface Run {
  readonly held: HeldLease;
  /** Its settlement is being written: a stop past the grace period waits for it instead of aborting it. */
  settling: boolean;
  /** Aborted by a stop past the grace period: it is not settled, the stop sequence releases its lease. */
  interrupted: boolean;
}

/**
 * The runs in flight, each a plain promise rather than a fiber: a run costs the handler's own
 * promise and little else, where a fiber per task (fork, mask, exit, interruption hooks) cost
 * more CPU than a no-op task's whole run. What the fibers gave is kept: the stop sequence waits
 * for the set to empty, and past the grace period `interrupt` aborts the handlers still running
 * (their signal, with WorkerStoppingError) without waiting for them, while runs already settling
 * finish settling.
 */
export class Runs {
  private readonly runs = new Set<Run>();
  private emptied: (() => void)[] = [];

  /** Registers a run that is about to call its handler. */
  add(held: HeldLease): Run {
    const run: Run = { held, settling: false, interrupted: false };
    this.runs.add(run);
    return run;
  }

  /** The run has ended (settled, refused, or interrupted). */
  delete(run: Run): void {
    if (!this.runs.delete(run) || this.runs.size > 0) return;
    const waiting = this.emptied;
    this.emptied = [];
    for (const done of waiting) done();
  }

  get size(): number {
    return this.runs.size;
  }

  /** Resolves when no run is in flight. */
  whenEmpty(): Promise<void> {
    if (this.runs.size === 0) return Promise.resolve();
    return new Promise((done) => this.emptied.push(done));
  }

  /** Aborts every run still in its handler (its lease is the stop sequence's to release); resolves once the runs that were settling have finished. */
  interrupt(): Promise<void> {
    for (const run of [...this.runs]) {
      if (run.settling) continue;
      run.interrupted = true;
      run.held.lost.abort(new WorkerStoppingError(run.held.claimed.task.taskId));
      this.delete(run);
    }
    return this.whenEmpty();
  }
}
