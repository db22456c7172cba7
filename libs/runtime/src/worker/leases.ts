import { performance } from 'node:perf_hooks';
import { LeaseLostError, type ClaimedTask, type FencedResult, type Lease } from '@ivm/domain';

/** One attempt this worker holds: running, or run and waiting for its settlement to be written. */
export interface HeldLease {
  readonly claimed: ClaimedTask;
  /** The run's signal: aborted when the lease is lost (a fenced heartbeat, no renewal for a whole lease) or the worker stops. */
  readonly lost: AbortController;
  /** Monotonic local time (ms) until which the last claim or heartbeat is known to hold the lease. */
  heldUntil: number;
}

/**
 * The leases a worker holds, keyed by fencing token (a task reclaimed by this same worker while
 * a stale attempt still runs is a second entry, not a clash). Local time here is monotonic and
 * only ever compared with itself: the store decides expiry on its own clock.
 */
export class LeaseRegistry {
  private readonly held = new Map<string, HeldLease>();

  constructor(
    private readonly owner: string,
    private readonly leaseMs: number,
  ) {}

  /** Records a fresh claim; its lease runs from just before the claim call was sent. */
  add(claimed: ClaimedTask, sentAt: number): HeldLease {
    const entry: HeldLease = { claimed, lost: new AbortController(), heldUntil: sentAt + this.leaseMs };
    this.held.set(claimed.lease.token, entry);
    return entry;
  }

  /** Forgets a settled (or released) attempt. */
  remove(lease: Lease): void {
    this.held.delete(lease.token);
  }

  /** Attempts held now. */
  get size(): number {
    return this.held.size;
  }

  /** Every held lease, for one batched heartbeat or release; leases already known lost are left out. */
  leases(): Lease[] {
    const leases: Lease[] = [];
    for (const entry of this.held.values()) if (!entry.lost.signal.aborted) leases.push(entry.claimed.lease);
    return leases;
  }

  /** Every held lease, lost or not (to release them all on stop). */
  all(): Lease[] {
    return [...this.held.values()].map((entry) => entry.claimed.lease);
  }

  /** Applies a heartbeat's answers: an applied one extends the lease, a fenced one aborts its run. Returns the fenced count. */
  renewed(leases: readonly Lease[], results: readonly FencedResult[], sentAt: number): number {
    let fenced = 0;
    leases.forEach((lease, i) => {
      const entry = this.held.get(lease.token);
      if (!entry) return;
      if (results[i] === 'applied') entry.heldUntil = sentAt + this.leaseMs;
      else {
        fenced += 1;
        this.lose(entry);
      }
    });
    return fenced;
  }

  /**
   * After heartbeats failed (the store did not answer): a lease not renewed for a whole lease may
   * have been reaped and handed to another worker, so its run is told to stop. Returns how many.
   */
  expireUnrenewed(now: number = performance.now()): number {
    let expired = 0;
    for (const entry of this.held.values()) {
      if (entry.lost.signal.aborted || entry.heldUntil > now) continue;
      expired += 1;
      this.lose(entry);
    }
    return expired;
  }

  private lose(entry: HeldLease): void {
    entry.lost.abort(new LeaseLostError(entry.claimed.lease.taskId, this.owner));
  }
}
