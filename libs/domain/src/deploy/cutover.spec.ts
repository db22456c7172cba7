import type { DeployAxes } from './axes';
import { activeVersionMovesAt, shouldMovePointer } from './cutover';
import { DEPLOY_STATES, canTransition, type DeployState } from './state-machine';

const withShip = (cutover: 'ready' | 'done'): DeployAxes => ({ compile: 'sync', ship: { mode: 'async', sinks: ['s'] }, cutover });
const withoutShip = (cutover: 'ready' | 'done'): DeployAxes => ({ compile: 'async', ship: null, cutover });

/** Every path from QUEUED to a terminal state, as the list of entered states. */
function paths(axes: DeployAxes, from: DeployState = 'QUEUED'): DeployState[][] {
  const next = DEPLOY_STATES.filter((to) => canTransition(axes, from, to));
  if (next.length === 0) return [[]];
  return next.flatMap((to) => paths(axes, to).map((rest) => [to, ...rest]));
}

describe('cutover', () => {
  it('moves the pointer on READY with cutover ready, on DONE with cutover done', () => {
    expect(activeVersionMovesAt(withShip('ready'))).toBe('READY');
    expect(activeVersionMovesAt(withShip('done'))).toBe('DONE');
    expect(shouldMovePointer(withShip('ready'), 'READY')).toBe(true);
    expect(shouldMovePointer(withShip('ready'), 'DONE')).toBe(false);
    expect(shouldMovePointer(withShip('done'), 'READY')).toBe(false);
    expect(shouldMovePointer(withShip('done'), 'DONE')).toBe(true);
  });

  it('never moves the pointer on FAILED', () => {
    for (const axes of [withShip('ready'), withShip('done'), withoutShip('ready'), withoutShip('done')]) {
      expect(shouldMovePointer(axes, 'FAILED')).toBe(false);
    }
  });

  it.each([withShip('ready'), withShip('done'), withoutShip('ready'), withoutShip('done')])(
    'moves the pointer exactly once on every successful path and never exposes a failed ship under cutover done (%j)',
    (axes) => {
      for (const path of paths(axes)) {
        const moves = path.filter((state) => shouldMovePointer(axes, state)).length;
        const failedBeforeReady = path.at(-1) === 'FAILED' && !path.includes('READY');
        if (path.at(-1) === 'DONE') expect(moves).toBe(1);
        else if (axes.cutover === 'done' || failedBeforeReady) expect(moves).toBe(0);
        else expect(moves).toBe(1); // cutover ready exposes at READY; the ship fails afterwards
      }
    },
  );
});
