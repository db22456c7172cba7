import fc, { type Parameters, type RunDetails } from 'fast-check';

/**
 * fast-check parameters with a pinned seed so every failure replays. `IVM_PROPERTY_SEED`
 * replays another seed; `IVM_PROPERTY_RUNS` sets the number of runs of every property.
 * A failure throws fast-check's own report (seed, path, shrunk counterexample, the cause)
 * followed by the command that replays it.
 */
export function propertyParams<T>(defaultRuns: number, defaultSeed = 20261122): Parameters<T> {
  const runs = process.env['IVM_PROPERTY_RUNS'];
  const seed = process.env['IVM_PROPERTY_SEED'];
  const numRuns = runs === undefined || runs === '' ? defaultRuns : Number(runs);
  if (!Number.isSafeInteger(numRuns) || numRuns < 1) throw new Error(`IVM_PROPERTY_RUNS must be a positive integer, got ${runs}`);
  const pinned = seed === undefined || seed === '' ? defaultSeed : Number(seed);
  if (!Number.isSafeInteger(pinned)) throw new Error(`IVM_PROPERTY_SEED must be an integer, got ${seed}`);
  return { numRuns, seed: pinned, endOnFailure: false, verbose: 1, reporter: failureReporter(pinned, runs) };
}

/** Throws like fast-check's default reporter, adding the seed this run used and how to replay it. */
function failureReporter<T>(seed: number, runs: string | undefined): (out: RunDetails<T>) => void {
  const env = `IVM_PROPERTY_SEED=${seed}${runs === undefined || runs === '' ? '' : ` IVM_PROPERTY_RUNS=${runs}`}`;
  return function report(out) {
    if (!out.failed) return;
    const message = `${fc.defaultReportMessage(out) ?? 'Property failed'}\n\nProperty seed: ${seed}. Replay with ${env} npx nx run domain:test`;
    const error = new Error(message, { cause: out.errorInstance });
    // Start the stack at fast-check's caller, so the code frame shows the failing property, not this helper.
    Error.captureStackTrace(error, report);
    throw error;
  };
}

/**
 * True for the pinned run (neither the run count nor the seed overridden), so suite-level
 * minimums apply: another seed explores other sequences and may walk fewer steps.
 */
export function usingDefaultRuns(): boolean {
  return (process.env['IVM_PROPERTY_RUNS'] ?? '') === '' && (process.env['IVM_PROPERTY_SEED'] ?? '') === '';
}
