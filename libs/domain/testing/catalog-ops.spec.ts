import { shuffleKeys } from './catalog-ops';

/** shuffleKeys is the key-order fuzzer of the determinism properties: it must never change content. */
describe('shuffleKeys', () => {
  // JSON.parse makes `__proto__` an own data key, as fc.jsonValue() does.
  const input = JSON.parse(
    '{"__proto__": {"a": 1}, "b": [{"__proto__": false}, {"c": {"__proto__": null, "d": 2}}], "e": {"f": {"g": {"__proto__": "deep", "h": 3}}}, "i": 0}',
  ) as Record<string, unknown>;
  const at = (value: unknown, ...path: Array<string | number>): unknown => path.reduce<unknown>((v, key) => (v as Record<string, unknown>)[key], value);

  it.each([0, 1, 7, 42, 2 ** 31])('keeps own __proto__ keys at every depth (seed %d)', (seed) => {
    const out = shuffleKeys(input, seed);
    for (const [path, value] of [
      [[], { a: 1 }],
      [['b', 0], false],
      [['b', 1, 'c'], null],
      [['e', 'f', 'g'], 'deep'],
    ] as const) {
      const holder = at(out, ...path) as object;
      expect({ path, own: Object.hasOwn(holder, '__proto__') }).toEqual({ path, own: true });
      expect(Object.getPrototypeOf(holder)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(holder, '__proto__')?.value).toEqual(value);
    }
    expect(JSON.parse(JSON.stringify(out))).toEqual(JSON.parse(JSON.stringify(input)));
    expect(sortedJson(out)).toBe(sortedJson(input));
  });

  it('reorders keys deterministically per seed, and only reorders them', () => {
    const flat = Object.fromEntries('abcdefgh'.split('').map((k, i) => [k, i]));
    const orders = new Set([0, 1, 2, 3, 4, 5].map((seed) => Object.keys(shuffleKeys(flat, seed) as object).join('')));
    expect(orders.size).toBeGreaterThan(1);
    for (const seed of [0, 1, 2, 3]) {
      expect(Object.keys(shuffleKeys(flat, seed) as object)).toEqual(Object.keys(shuffleKeys(flat, seed) as object));
      expect(shuffleKeys(flat, seed)).toEqual(flat);
    }
    expect(shuffleKeys([1, 'x', null, [true]], 3)).toEqual([1, 'x', null, [true]]);
  });
});

/** JSON with keys sorted at every depth, own `__proto__` keys included. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const entries = Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${sortedJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}
