/**
 * A circuit breaker per sink (SPEC §9: a sink that keeps failing is isolated): after
 * `failureThreshold` failed calls in a row it opens, and calls fail fast, without reaching the sink,
 * until the open period ends; then one call goes through as a probe (half-open) — its success
 * closes the breaker, its failure opens it again for twice as long, up to `maxOpenMs`.
 * Pure: the caller passes the time and keeps the state (one per sink and process).
 */
export interface BreakerSettings {
  /** Failed calls in a row that open the breaker (≥ 1). */
  readonly failureThreshold: number;
  /** The first open period; each failed probe doubles it. */
  readonly openMs: number;
  /** No open period is longer. */
  readonly maxOpenMs: number;
}

/** Five failures in a row open it for 5 s, doubling per failed probe to 2 min. */
export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = { failureThreshold: 5, openMs: 5_000, maxOpenMs: 120_000 };

export type BreakerState =
  | { readonly kind: 'closed'; readonly failures: number }
  | { readonly kind: 'open'; readonly until: number; readonly openings: number }
  /** A probe is out; `openings` counts the open periods since the breaker was last closed. */
  | { readonly kind: 'half-open'; readonly openings: number };

export const CLOSED_BREAKER: BreakerState = { kind: 'closed', failures: 0 };

/** Whether a call may reach the sink; a refusal says when to come back. */
export type Admission =
  { readonly admitted: true; readonly state: BreakerState } | { readonly admitted: false; readonly state: BreakerState; readonly retryAfterMs: number };

/** The settings, checked: a bad one fails with its name. */
export function breakerSettings(overrides: Partial<BreakerSettings> = {}): BreakerSettings {
  const settings = { ...DEFAULT_BREAKER_SETTINGS, ...overrides };
  const check = (name: keyof BreakerSettings, ok: boolean): void => {
    if (!ok) throw new RangeError(`BreakerSettings.${name} is out of range: ${settings[name]}`);
  };
  check('failureThreshold', Number.isSafeInteger(settings.failureThreshold) && settings.failureThreshold >= 1);
  check('openMs', Number.isSafeInteger(settings.openMs) && settings.openMs >= 1);
  check('maxOpenMs', Number.isSafeInteger(settings.maxOpenMs) && settings.maxOpenMs >= settings.openMs);
  return settings;
}

/** Asks to make a call at `now`. An open breaker whose period ended lets this one call through as the probe. */
export function admit(state: BreakerState, now: number, settings: BreakerSettings): Admission {
  switch (state.kind) {
    case 'closed':
      return { admitted: true, state };
    case 'open':
      if (now >= state.until) return { admitted: true, state: { kind: 'half-open', openings: state.openings } };
      return { admitted: false, state, retryAfterMs: state.until - now };
    case 'half-open':
      // The probe's answer decides; until then every other call fails fast.
      return { admitted: false, state, retryAfterMs: settings.openMs };
  }
}

/**
 * Records how an admitted call went. A success closes the breaker from any state (the sink
 * answered, also when the call was admitted before the breaker opened); a failure counts toward
 * the threshold, or re-opens a half-open breaker for longer.
 */
export function recordCall(state: BreakerState, result: 'success' | 'failure', now: number, settings: BreakerSettings): BreakerState {
  if (result === 'success') return CLOSED_BREAKER;
  switch (state.kind) {
    case 'closed': {
      const failures = state.failures + 1;
      return failures >= settings.failureThreshold ? opened(1, now, settings) : { kind: 'closed', failures };
    }
    case 'half-open':
      return opened(state.openings + 1, now, settings);
    case 'open':
      // A call admitted before the breaker opened failed late: the period already running stands.
      return state;
  }
}

/** How long the `openings`-th open period in a row lasts: openMs doubling, capped. */
export function openPeriodMs(openings: number, settings: BreakerSettings): number {
  const raw = settings.openMs * 2 ** Math.min(openings - 1, 52);
  return Math.min(settings.maxOpenMs, raw);
}

function opened(openings: number, now: number, settings: BreakerSettings): BreakerState {
  return { kind: 'open', until: now + openPeriodMs(openings, settings), openings };
}
