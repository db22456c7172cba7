/**
 * How many tasks the claim loop should ask for next, from what it was told:
 * - a wake-up announcing n tasks adds n: an idle worker claims only that many, so one NOTIFY for
 *   one task does not send every idle slot of every worker to the database (no thundering herd);
 * - a poll tick, or a claim that came back full, means "a backlog, maybe": claim as many as there are
 *   idle slots;
 * - a claim that came back short means the queue is drained: nothing more until told again —
 *   except what was announced while that claim was on its way (it may have missed those tasks).
 */
export class Demand {
  // Starts as a backlog, so a worker looks for work as it boots.
  private wanted = Infinity;
  private claiming = false;
  private lateAnnounced = 0;
  private latePoll = false;

  /** Tasks announced by a wake-up (or taken back by this worker's reaper). */
  announce(count: number): void {
    if (count <= 0) return;
    this.wanted += count;
    if (this.claiming) this.lateAnnounced += count;
  }

  /** A poll tick: there may be tasks nobody announced (a missed NOTIFY, a backoff that elapsed). */
  poll(): void {
    this.wanted = Infinity;
    if (this.claiming) this.latePoll = true;
  }

  /** Whether a claim is due with `idle` free slots. */
  due(idle: number): boolean {
    return !this.claiming && idle > 0 && this.wanted > 0;
  }

  /** Starts a claim with `idle` free slots; returns its limit. */
  start(idle: number): number {
    this.claiming = true;
    this.lateAnnounced = 0;
    this.latePoll = false;
    return Math.max(0, Math.min(idle, this.wanted));
  }

  /** What the claim of `limit` brought back (0 also when it failed). */
  finish(limit: number, got: number): void {
    this.claiming = false;
    if (got < limit) this.wanted = this.latePoll ? Infinity : this.lateAnnounced;
    else if (this.wanted !== Infinity) this.wanted = Math.max(0, this.wanted - got);
  }
}
