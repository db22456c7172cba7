import fc from 'fast-check';
import { propertyParams } from '../../testing';
import { admit, type BreakerSettings, breakerSettings, type BreakerState, CLOSED_BREAKER, openPeriodMs, recordCall } from './circuit-breaker';

const settingsArb = fc
  .record({ failureThreshold: fc.integer({ min: 1, max: 6 }), openMs: fc.integer({ min: 1, max: 5_000 }), factor: fc.integer({ min: 1, max: 64 }) })
  .map(({ failureThreshold, openMs, factor }) => breakerSettings({ failureThreshold, openMs, maxOpenMs: openMs * factor }));

type Step =
  { readonly kind: 'wait'; readonly ms: number } | { readonly kind: 'call' } | { readonly kind: 'finish'; readonly pick: number; readonly ok: boolean };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 20_000 }) }),
  fc.record({ kind: fc.constant('call' as const) }),
  fc.record({ kind: fc.constant('finish' as const), pick: fc.nat(), ok: fc.boolean() }),
);

describe('circuit breaker', () => {
  it('fails fast while open, lets exactly one probe through after the period, and never opens longer than maxOpenMs', () => {
    fc.assert(
      fc.property(settingsArb, fc.array(stepArb, { maxLength: 120 }), (settings, steps) => {
        let state: BreakerState = CLOSED_BREAKER;
        let now = 0;
        let failuresInARow = 0;
        const inFlight: number[] = [];
        for (const step of steps) {
          if (step.kind === 'wait') now += step.ms;
          else if (step.kind === 'call') {
            const before = state;
            const admission = admit(state, now, settings);
            state = admission.state;
            if (before.kind === 'closed') expect(admission.admitted).toBe(true);
            if (before.kind === 'half-open') expect(admission.admitted).toBe(false);
            if (before.kind === 'open') {
              expect(admission.admitted).toBe(now >= before.until);
              if (admission.admitted) expect(state).toEqual({ kind: 'half-open', openings: before.openings });
            }
            if (!admission.admitted) expect(admission.retryAfterMs).toBeGreaterThan(0);
            if (admission.admitted) inFlight.push(now);
          } else if (inFlight.length > 0) {
            inFlight.splice(step.pick % inFlight.length, 1);
            const before = state;
            state = recordCall(state, step.ok ? 'success' : 'failure', now, settings);
            failuresInARow = step.ok ? 0 : failuresInARow + 1;
            if (step.ok) expect(state).toEqual(CLOSED_BREAKER);
            if (!step.ok && before.kind === 'closed') expect(state.kind).toBe(failuresInARow >= settings.failureThreshold ? 'open' : 'closed');
            if (state.kind === 'open' && before.kind !== 'open') {
              expect(state.until - now).toBeGreaterThanOrEqual(settings.openMs);
              expect(state.until - now).toBeLessThanOrEqual(settings.maxOpenMs);
            }
          }
        }
      }),
      propertyParams(300),
    );
  });

  it('a dead sink sees at most threshold calls plus one probe per open period, however often it is called', () => {
    fc.assert(
      fc.property(settingsArb, fc.array(fc.integer({ min: 0, max: 3_000 }), { maxLength: 200 }), (settings, waits) => {
        let state: BreakerState = CLOSED_BREAKER;
        let now = 0;
        let reached = 0;
        let periods = 0;
        for (const wait of waits) {
          now += wait;
          const admission = admit(state, now, settings);
          state = admission.state;
          if (!admission.admitted) continue;
          reached++;
          const next = recordCall(state, 'failure', now, settings);
          if (next.kind === 'open' && state.kind !== 'open') periods++;
          state = next;
        }
        expect(reached).toBeLessThanOrEqual(settings.failureThreshold + periods);
        // Each open period after the first probe is at least openMs, so the probes are spaced out too.
        expect(periods).toBeLessThanOrEqual(1 + Math.floor(now / settings.openMs));
      }),
      propertyParams(300),
    );
  });

  it('recovers: once the sink answers again, a call after at most maxOpenMs closes the breaker from any state', () => {
    fc.assert(
      fc.property(settingsArb, fc.array(fc.boolean(), { maxLength: 40 }), (settings, results) => {
        let state: BreakerState = CLOSED_BREAKER;
        let now = 0;
        for (const ok of results) {
          const admission = admit(state, now, settings);
          state = admission.state;
          if (admission.admitted) state = recordCall(state, ok ? 'success' : 'failure', now, settings);
          now += 1;
        }
        now += settings.maxOpenMs;
        const admission = admit(state, now, settings);
        expect(admission.admitted || state.kind === 'half-open').toBe(true);
        if (admission.admitted) expect(recordCall(admission.state, 'success', now, settings)).toEqual(CLOSED_BREAKER);
      }),
      propertyParams(300),
    );
  });

  it('doubles the open period per failed probe, capped', () => {
    const settings: BreakerSettings = breakerSettings({ openMs: 1_000, maxOpenMs: 5_000 });
    expect([1, 2, 3, 4, 60].map((n) => openPeriodMs(n, settings))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('refuses settings out of range, naming them', () => {
    expect(() => breakerSettings({ failureThreshold: 0 })).toThrow('BreakerSettings.failureThreshold');
    expect(() => breakerSettings({ openMs: 10, maxOpenMs: 5 })).toThrow('BreakerSettings.maxOpenMs');
  });
});
