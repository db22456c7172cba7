/**
 * Splits a batch so that no round names a task twice (the k-th mention of a task goes to round
 * k), keeping input order: one UPDATE … FROM unnest(…) changes a row once, however many input
 * rows match it, so a task named twice in one call is settled in order, round by round.
 */
export function occurrenceRounds(taskIds: readonly string[]): number[][] {
  const seen = new Map<string, number>();
  const rounds: number[][] = [];
  taskIds.forEach((taskId, index) => {
    const round = seen.get(taskId) ?? 0;
    seen.set(taskId, round + 1);
    (rounds[round] ??= []).push(index);
  });
  return rounds;
}
