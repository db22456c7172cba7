import type { Clock } from '../src';

/** A clock that moves only when told: the in-memory stores' "database time" in tests. */
export class ManualClock implements Clock {
  constructor(private ms = 1_700_000_000_000) {}

  now(): number {
    return this.ms;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a clock only moves forward, got ${ms}`);
    this.ms += ms;
  }
}
