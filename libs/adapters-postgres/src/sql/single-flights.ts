/*
 * The single-flight parts of the statements that end or renew an attempt, as CTE bodies, so a
 * flight is freed or extended in the same statement (hence the same transaction) as its attempt.
 */

/** Frees every flight of the tasks `ended` names (a CTE with `task_id`): the attempt that held them ended, and an older attempt's flight is dead anyway. */
export const freeFlightsOf = (ended: string): string => `DELETE FROM single_flights f USING ${ended} e WHERE f.task_id = e.task_id`;

/**
 * Deletes flights that are past their time and whose holder is no longer its task's current
 * attempt. Only an acquire racing the end of its own attempt (a release at shutdown, a reap) leaves
 * such a row behind — the statement ending the attempt did not see it yet — and it is dead either
 * way; the reaper sweeps it so the table holds only flights of live attempts.
 */
export const SWEEP_DEAD_FLIGHTS = `DELETE FROM single_flights f WHERE f.until <= now()
  AND NOT EXISTS (SELECT 1 FROM outbox_tasks h WHERE h.task_id = f.task_id AND h.token = f.token AND h.status = 'RUNNING')`;

/** Moves the flights of the attempts `beat` names (a CTE with `task_id`, `token` as text and the new `lease_until`) to their lease's new end. */
export const extendFlightsOf = (beat: string): string =>
  `UPDATE single_flights f SET until = b.lease_until FROM ${beat} b WHERE f.task_id = b.task_id AND f.token::text = b.token`;
