import type { InputVector } from '../ports/records';

export type VectorOrder = 'equal' | 'newer' | 'older' | 'incomparable';

/**
 * Compares the input vector of a new build with a stored one (SPEC §6): `newer` when every
 * component is at least as new and one is newer. Different key sets cannot be ordered.
 */
export function compareInputVectors(candidate: InputVector, stored: InputVector): VectorOrder {
  const keys = Object.keys(candidate);
  if (keys.length !== Object.keys(stored).length) return 'incomparable';
  let newer = false;
  let older = false;
  for (const key of keys) {
    const theirs = stored[key];
    const ours = candidate[key] as number;
    if (theirs === undefined) return 'incomparable';
    if (ours > theirs) newer = true;
    else if (ours < theirs) older = true;
  }
  if (newer && older) return 'incomparable';
  return newer ? 'newer' : older ? 'older' : 'equal';
}
