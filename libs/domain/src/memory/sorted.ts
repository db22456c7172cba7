/** Index of the first record whose version is not less than `version`, in an ascending list. */
export function lowerBoundVersion(items: readonly { readonly version: number }[], version: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((items[mid] as { version: number }).version < version) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first string not less than `key`, in an ascending list. */
export function lowerBoundString(items: readonly string[], key: string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((items[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
