import fc from 'fast-check';
import { IllegalStateTransitionError } from '../errors';
import type { DeployAxes } from './axes';
import { DEPLOY_STATES, canTransition, isTerminalDeployState, newDeployJob, transition, type DeployJob, type DeployState } from './state-machine';

const shipping: DeployAxes = { compile: 'sync', ship: { mode: 'async', sinks: ['s'] }, cutover: 'ready' };
const nothingToShip: DeployAxes = { compile: 'async', ship: null, cutover: 'ready' };
const failure = { code: 'SLICE_MISSING', message: 'boom' };

const SHIPPING_EDGES = ['QUEUED>RUNNING', 'RUNNING>READY', 'READY>SINKING', 'SINKING>DONE', 'RUNNING>FAILED', 'SINKING>FAILED'];
const NOTHING_TO_SHIP_EDGES = ['QUEUED>RUNNING', 'RUNNING>READY', 'READY>DONE', 'RUNNING>FAILED'];

const axesArb: fc.Arbitrary<DeployAxes> = fc.oneof(
  fc.record({
    compile: fc.constant('sync' as const),
    ship: fc.option(fc.record({ mode: fc.constantFrom('sync' as const, 'async' as const), sinks: fc.constant(['s']) }), { nil: null }),
    cutover: fc.constantFrom('ready' as const, 'done' as const),
  }),
  fc.record({
    compile: fc.constant('async' as const),
    ship: fc.option(fc.record({ mode: fc.constant('async' as const), sinks: fc.constant(['s']) }), { nil: null }),
    cutover: fc.constantFrom('ready' as const, 'done' as const),
  }),
);
const stateArb = fc.constantFrom(...DEPLOY_STATES);

function jobIn(axes: DeployAxes, state: DeployState): DeployJob {
  return { ...newDeployJob('job-1', axes, 0), state };
}

describe('deploy state machine', () => {
  it('walks the happy path with a ship: QUEUED → RUNNING → READY → SINKING → DONE', () => {
    let job = newDeployJob('job-1', shipping, 10);
    for (const [i, state] of (['RUNNING', 'READY', 'SINKING', 'DONE'] as const).entries()) job = transition(job, state, 11 + i);
    expect(job.state).toBe('DONE');
    expect(job.transitions).toEqual([
      { state: 'QUEUED', at: 10 },
      { state: 'RUNNING', at: 11 },
      { state: 'READY', at: 12 },
      { state: 'SINKING', at: 13 },
      { state: 'DONE', at: 14 },
    ]);
  });

  it('ends a deploy with nothing to ship at DONE, straight from READY', () => {
    const ready = transition(transition(newDeployJob('job-1', nothingToShip, 0), 'RUNNING', 1), 'READY', 2);
    expect(transition(ready, 'DONE', 3).state).toBe('DONE');
    expect(() => transition(ready, 'SINKING', 3)).toThrow(IllegalStateTransitionError);
  });

  it('does not let a deploy with a ship skip SINKING', () => {
    expect(() => transition(jobIn(shipping, 'READY'), 'DONE', 1)).toThrow(IllegalStateTransitionError);
  });

  it('records the error on FAILED, requires one there, and accepts none elsewhere', () => {
    const failed = transition(jobIn(shipping, 'SINKING'), 'FAILED', 5, failure);
    expect(failed).toMatchObject({ state: 'FAILED', error: failure });
    expect(() => transition(jobIn(shipping, 'RUNNING'), 'FAILED', 5)).toThrow(TypeError);
    expect(() => transition(jobIn(shipping, 'RUNNING'), 'READY', 5, failure)).toThrow(TypeError);
  });

  it('returns a new job and leaves the old one untouched', () => {
    const queued = newDeployJob('job-1', shipping, 0);
    const running = transition(queued, 'RUNNING', 1);
    expect(queued.state).toBe('QUEUED');
    expect(queued.transitions).toHaveLength(1);
    expect(running).not.toBe(queued);
  });

  it('allows a (from, to) pair iff it is an edge of the graph for the axes (property, every pair)', () => {
    fc.assert(
      fc.property(axesArb, stateArb, stateArb, (axes, from, to) => {
        const allowed = (axes.ship === null ? NOTHING_TO_SHIP_EDGES : SHIPPING_EDGES).includes(`${from}>${to}`);
        expect(canTransition(axes, from, to)).toBe(allowed);
        const attempt = () => transition(jobIn(axes, from), to, 1, to === 'FAILED' ? failure : undefined);
        if (allowed) expect(attempt().state).toBe(to);
        else expect(attempt).toThrow(IllegalStateTransitionError);
      }),
      { seed: 8_002, numRuns: 500 },
    );
  });

  it('never leaves the allowed graph on a random walk, and terminal states are final (property)', () => {
    fc.assert(
      fc.property(axesArb, fc.array(stateArb, { maxLength: 30 }), (axes, proposals) => {
        let job = newDeployJob('job-1', axes, 0);
        proposals.forEach((to, i) => {
          try {
            job = transition(job, to, i + 1, to === 'FAILED' ? failure : undefined);
          } catch (error) {
            expect(error).toBeInstanceOf(IllegalStateTransitionError);
          }
        });
        const states = job.transitions.map((t) => t.state);
        expect(states[0]).toBe('QUEUED');
        for (let i = 1; i < states.length; i++) expect(canTransition(axes, states[i - 1] as DeployState, states[i] as DeployState)).toBe(true);
        states.slice(0, -1).forEach((state) => expect(isTerminalDeployState(state)).toBe(false));
        if (axes.ship === null) expect(states).not.toContain('SINKING');
      }),
      { seed: 8_003, numRuns: 300 },
    );
  });
});
