/**
 * SemVer 2.0.0 precedence of two valid versions (the registry checks the format): negative when
 * `a` is older, positive when newer, 0 when equal. Build metadata (`+…`) is ignored.
 */
export function compareSemver(a: string, b: string): number {
  const [coreA = '', preA] = splitVersion(a);
  const [coreB = '', preB] = splitVersion(b);
  const numbersA = coreA.split('.').map(Number);
  const numbersB = coreB.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (numbersA[i] ?? 0) - (numbersB[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  // A pre-release is older than its release.
  if (preA === undefined || preB === undefined) return preA === preB ? 0 : preA === undefined ? 1 : -1;
  const idsA = preA.split('.');
  const idsB = preB.split('.');
  for (let i = 0; i < Math.min(idsA.length, idsB.length); i++) {
    const d = compareIdentifier(idsA[i] as string, idsB[i] as string);
    if (d !== 0) return d;
  }
  return Math.sign(idsA.length - idsB.length);
}

function splitVersion(version: string): [string, string | undefined] {
  const plain = version.split('+', 1)[0] as string;
  const dash = plain.indexOf('-');
  return dash < 0 ? [plain, undefined] : [plain.slice(0, dash), plain.slice(dash + 1)];
}

const NUMERIC = /^(0|[1-9]\d*)$/;

function compareIdentifier(a: string, b: string): number {
  const numericA = NUMERIC.test(a);
  const numericB = NUMERIC.test(b);
  if (numericA && numericB) return Math.sign(Number(a) - Number(b));
  // Numeric identifiers are older than alphanumeric ones.
  if (numericA !== numericB) return numericA ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
