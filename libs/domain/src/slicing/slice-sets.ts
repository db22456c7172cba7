import type { SliceSet } from '../ports/records';

/** Two slice sets name the same version, base and slices (or are both absent). */
export function sameSliceSet(a: SliceSet | undefined, b: SliceSet | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.version !== b.version || a.fromVersion !== b.fromVersion) return false;
  const types = Object.keys(a.slices);
  if (types.length !== Object.keys(b.slices).length) return false;
  return types.every((type) => {
    const x = a.slices[type];
    const y = b.slices[type];
    return x !== undefined && y !== undefined && x.version === y.version && x.hash === y.hash;
  });
}
