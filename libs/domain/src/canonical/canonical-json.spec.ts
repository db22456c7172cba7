import fc from 'fast-check';
import { canonicalJson, contentHash, isJsonObject, type Json, sha256Hex } from './canonical-json';

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const text = canonicalJson(value);
    expect(text).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('sorts nested objects too, and keeps array order', () => {
    expect(canonicalJson({ b: [3, 1, { z: 1, a: 2 }], a: { d: true, c: null } })).toBe('{"a":{"c":null,"d":true},"b":[3,1,{"a":2,"z":1}]}');
  });

  it.each<[number, string]>([
    [1e21, '1e+21'],
    [1e-7, '1e-7'],
    [-0, '0'],
    [0, '0'],
    [Number('333333333.33333329'), '333333333.3333333'],
    [4.5, '4.5'],
    [2e-3, '0.002'],
    [0.000001, '0.000001'],
    [1e20, '100000000000000000000'],
    [-1.5e-9, '-1.5e-9'],
    [9007199254740991, '9007199254740991'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
  ])('formats the number %p as %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
    expect(canonicalJson([value])).toBe(`[${expected}]`);
  });

  it('formats literals', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(false)).toBe('false');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
  });

  it('escapes strings the JSON way: short escapes, \\u00XX for other controls, everything else as is', () => {
    expect(canonicalJson('\b\t\n\f\r"\\')).toBe('"\\b\\t\\n\\f\\r\\"\\\\"');
    expect(canonicalJson('\u0000\u001f')).toBe('"\\u0000\\u001f"');
    // '/' is not escaped, nor DEL, non-ASCII or line separators.
    expect(canonicalJson('/\u007f\u00e9\u2028\ud83d\ude00')).toBe('"/\u007f\u00e9\u2028\ud83d\ude00"');
  });

  it('refuses values that have no JSON representation', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow();
    expect(() => canonicalJson(undefined as unknown as Json)).toThrow(TypeError);
  });

  it('does not depend on key insertion order (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.boolean()), { maxKeys: 8 }), (dict) => {
        const reversed = Object.fromEntries(Object.entries(dict).reverse()) as Json;
        expect(canonicalJson(reversed)).toBe(canonicalJson(dict as Json));
        expect(JSON.parse(canonicalJson(dict as Json))).toEqual(dict);
      }),
      { seed: 8785, numRuns: 200 },
    );
  });
});

describe('sha256Hex and contentHash', () => {
  it('gives the known SHA-256 digests', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes the UTF-8 bytes of the text', () => {
    // "é" is the two bytes c3 a9.
    expect(sha256Hex('\u00e9')).toBe('4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c');
    expect(sha256Hex('\u00e9')).not.toBe(sha256Hex('e\u0301'));
  });

  it('is the SHA-256 of "label\\ncanonical JSON"', () => {
    expect(contentHash('ivm.raw.v1', { b: 1, a: 2 })).toBe(sha256Hex('ivm.raw.v1\n{"a":2,"b":1}'));
  });

  it('is the same for the same value in any key order, and differs by label and by value', () => {
    const a = contentHash('ivm.slice.v1', { x: 1, y: [1, 2] });
    expect(contentHash('ivm.slice.v1', { y: [1, 2], x: 1 })).toBe(a);
    expect(contentHash('ivm.raw.v1', { x: 1, y: [1, 2] })).not.toBe(a);
    expect(contentHash('ivm.slice.v1', { x: 1, y: [2, 1] })).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('isJsonObject', () => {
  it('is true only for non-null, non-array objects', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject(null)).toBe(false);
    expect(isJsonObject('x')).toBe(false);
    expect(isJsonObject(undefined)).toBe(false);
  });
});
