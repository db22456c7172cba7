import type { Parameters } from 'fast-check';

/**
 * fast-check parameters with a pinned seed so every failure replays. `IVM_PROPERTY_SEED`
 * replays another seed; `IVM_PROPERTY_RUNS` sets the number of runs of every property.
 */
export function propertyParams<T>(defaultRuns: number, defaultSeed = 20261122): Parameters<T> {
  const runs = process.env['IVM_PROPERTY_RUNS'];
  const seed = process.env['IVM_PROPERTY_SEED'];
  const numRuns = runs === undefined || runs === '' ? defaultRuns : Number(runs);
  if (!Number.isSafeInteger(numRuns) || numRuns < 1) throw new Error(`IVM_PROPERTY_RUNS must be a positive integer, got ${runs}`);
  const pinned = seed === undefined || seed === '' ? defaultSeed : Number(seed);
  if (!Number.isSafeInteger(pinned)) throw new Error(`IVM_PROPERTY_SEED must be an integer, got ${seed}`);
  return { numRuns, seed: pinned, endOnFailure: false, verbose: 1 };
}

/** True when the run count was not overridden, so suite-level minimums apply. */
export function usingDefaultRuns(): boolean {
  return (process.env['IVM_PROPERTY_RUNS'] ?? '') === '';
}
