/*
 * The single-flight parts of the statements that end or renew an attempt, as CTE bodies, so a
 * flight is freed or extended in the same statement (hence the same transaction) as its attempt.
 */

/** Frees every flight of the tasks `ended` names (a CTE with `task_id`): the attempt that held them ended, and an older attempt's flight is dead anyway. */
export const freeFlightsOf = (ended: string): string => `DELETE FROM single_flights f USING ${ended} e WHERE f.task_id = e.task_id`;

/** Moves the flights of the attempts `beat` names (a CTE with `task_id`, `token` as text and the new `lease_until`) to their lease's new end. */
export const extendFlightsOf = (beat: string): string =>
  `UPDATE single_flights f SET until = b.lease_until FROM ${beat} b WHERE f.task_id = b.task_id AND f.token::text = b.token`;
