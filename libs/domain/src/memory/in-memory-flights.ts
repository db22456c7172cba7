import type { FlightResult, Lease } from '../ports/outbox';
import type { FlightRow, InMemoryDeployState, TaskRow } from './in-memory-deploy-state';

/*
 * Single flights in memory (OutboxStore.acquireFlights and the frees folded into settle, release
 * and reap). Each function runs without awaiting, so it is atomic like every in-memory port call.
 */

/** Held by a live attempt: not past its time, and its holder is still the task's current attempt. */
export function isFlightLive(flight: FlightRow, tasks: ReadonlyMap<string, TaskRow>, nowMs: number): boolean {
  const holder = tasks.get(flight.taskId);
  return flight.until > nowMs && holder?.task.status === 'RUNNING' && holder.token === flight.token;
}

/** Every key for `lease`, or none (`busy`) when another live attempt holds one; the caller has checked the lease. */
export function acquireFlights(state: InMemoryDeployState, lease: Lease, keys: readonly string[], leaseMs: number): Exclude<FlightResult, 'fenced'> {
  const now = state.clock.now();
  const wanted = [...new Set(keys)];
  const busy = wanted.some((key) => {
    const flight = state.flights.get(key);
    return flight !== undefined && flight.token !== lease.token && isFlightLive(flight, state.tasks, now);
  });
  if (busy) return 'busy';
  for (const key of wanted) state.flights.set(key, { taskId: lease.taskId, token: lease.token, until: now + leaseMs });
  return 'acquired';
}

/** Moves the flights `lease` holds to `until` (the lease's new end), after a heartbeat applied. */
export function extendFlights(state: InMemoryDeployState, lease: Lease, until: number): void {
  for (const [key, flight] of state.flights) if (flight.taskId === lease.taskId && flight.token === lease.token) state.flights.set(key, { ...flight, until });
}

/** Frees every flight of these tasks: their current attempt ended, and any older attempt's flight is dead anyway. */
export function freeFlights(state: InMemoryDeployState, taskIds: Iterable<string>): void {
  const ended = new Set(taskIds);
  if (ended.size === 0) return;
  for (const [key, flight] of state.flights) if (ended.has(flight.taskId)) state.flights.delete(key);
}
