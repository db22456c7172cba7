import type { DeployAxes } from './axes';
import type { DeployState } from './state-machine';

/**
 * The state whose entry moves the active-version pointer. cutover 'ready': READY, so storefronts
 * see the new slices as soon as compile is done and ship follows. cutover 'done': DONE, which is
 * reached only after a successful ship (or at once when nothing is shipped), so a failed ship
 * never exposes the new version.
 */
export function activeVersionMovesAt(axes: DeployAxes): 'READY' | 'DONE' {
  return axes.cutover === 'ready' ? 'READY' : 'DONE';
}

/** True exactly once per successful deploy: when it enters the state its cutover names. Never on FAILED. */
export function shouldMovePointer(axes: DeployAxes, enteredState: DeployState): boolean {
  return enteredState === activeVersionMovesAt(axes);
}
