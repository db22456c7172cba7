import fc from 'fast-check';
import { covers, formatPointer, overlaps, parsePath, PathSyntaxError, valueAt, valuesAt, WILDCARD } from './path';

describe('parsePath', () => {
  it('reads JSON Pointers, with ~1 and ~0 escapes', () => {
    expect(parsePath('/sku')).toEqual(['sku']);
    expect(parsePath('/attributes/color')).toEqual(['attributes', 'color']);
    expect(parsePath('/a~1b/c~0d')).toEqual(['a/b', 'c~d']);
    // ~01 is "~1" literally: ~0 is decoded after ~1.
    expect(parsePath('/~01')).toEqual(['~1']);
    expect(parsePath('/category_ids/*')).toEqual(['category_ids', WILDCARD]);
    expect(parsePath('/variants/0/price')).toEqual(['variants', '0', 'price']);
    expect(parsePath('/a/')).toEqual(['a', '']);
  });

  it('treats "" and "/" as the root', () => {
    expect(parsePath('')).toEqual([]);
    expect(parsePath('/')).toEqual([]);
  });

  it('reads dotted paths with [*] and [n]', () => {
    expect(parsePath('sku')).toEqual(['sku']);
    expect(parsePath('a.b')).toEqual(['a', 'b']);
    expect(parsePath('category_ids[*]')).toEqual(['category_ids', '*']);
    expect(parsePath('x[0]')).toEqual(['x', '0']);
    expect(parsePath('a[0][1].b')).toEqual(['a', '0', '1', 'b']);
    expect(parsePath('attributes.*')).toEqual(['attributes', '*']);
    expect(parsePath('variants[*].price')).toEqual(['variants', '*', 'price']);
  });

  it('gives the same segments for both notations', () => {
    expect(parsePath('category_ids[*]')).toEqual(parsePath('/category_ids/*'));
    expect(parsePath('variants[2].price')).toEqual(parsePath('/variants/2/price'));
  });

  it.each(['/a~2', '/a~', '/~', '/ok/bad~x'])('rejects the bad escape in %j', (text) => {
    expect(() => parsePath(text)).toThrow(PathSyntaxError);
    expect(() => parsePath(text)).toThrow(/^Bad escape in JSON Pointer segment/);
  });

  it.each(['a..b', 'a[b]', 'a[', 'a]', '.a', 'a.', 'a[-1]', 'a[*', 'a[1.5]'])('rejects the dotted path %j', (text) => {
    expect(() => parsePath(text)).toThrow(PathSyntaxError);
    expect(() => parsePath(text)).toThrow(`Cannot parse path "${text}"`);
  });
});

describe('formatPointer', () => {
  it('escapes ~ and / and joins segments', () => {
    expect(formatPointer([])).toBe('');
    expect(formatPointer(['sku'])).toBe('/sku');
    expect(formatPointer(['a/b', 'c~d'])).toBe('/a~1b/c~0d');
    expect(formatPointer(['~1'])).toBe('/~01');
    expect(formatPointer(['category_ids', '*'])).toBe('/category_ids/*');
  });

  it('round-trips through parsePath (property)', () => {
    const segment = fc.string({ unit: fc.constantFrom('a', 'b', '~', '/', '0', '1', '*', '.', '[', ']', ' ', 'é'), maxLength: 6 });
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), (segments) => {
        // The single empty key would format as "/", which parsePath reads as the root.
        fc.pre(!(segments.length === 1 && segments[0] === ''));
        expect(parsePath(formatPointer(segments))).toEqual(segments);
      }),
      { seed: 424242, numRuns: 500 },
    );
  });
});

describe('overlaps', () => {
  it('is true when one path is a prefix of the other', () => {
    expect(overlaps(['attributes'], ['attributes', 'color'])).toBe(true);
    expect(overlaps(['attributes', 'color'], ['attributes'])).toBe(true);
    expect(overlaps([], ['anything'])).toBe(true);
    expect(overlaps(['sku'], ['sku'])).toBe(true);
  });

  it('matches a wildcard on either side against any segment', () => {
    expect(overlaps(['category_ids', '*'], ['category_ids', '3'])).toBe(true);
    expect(overlaps(['variants', 'v1', 'price'], ['variants', '*', 'price'])).toBe(true);
    expect(overlaps(['*'], ['sku'])).toBe(true);
  });

  it('is false for diverging paths', () => {
    expect(overlaps(['sku'], ['name'])).toBe(false);
    expect(overlaps(['variants', '*', 'price'], ['variants', 'v1', 'name'])).toBe(false);
    expect(overlaps(['name'], ['name_suffix'])).toBe(false);
  });
});

describe('covers', () => {
  it('covers every path below a selector', () => {
    expect(covers(['attributes'], ['attributes', 'color'])).toBe(true);
    expect(covers(['attributes'], ['attributes', '*'])).toBe(true);
    expect(covers(['attributes', '*'], ['attributes', '*'])).toBe(true);
    expect(covers(['attributes', '*'], ['attributes', 'color'])).toBe(true);
    expect(covers([], ['sku'])).toBe(true);
  });

  it('does not let a concrete segment cover a wildcard pattern', () => {
    expect(covers(['attributes', 'color'], ['attributes', '*'])).toBe(false);
  });

  it('does not cover other paths', () => {
    expect(covers(['name'], ['sku'])).toBe(false);
    expect(covers(['variants', '*', 'price'], ['variants', '*', 'name'])).toBe(false);
  });
});

describe('valueAt', () => {
  const doc = { sku: 'P1', tags: ['x', 'y'], attributes: { color: 'red', 'a/b': 'slash' }, nested: { list: [{ id: 'v1' }] }, nothing: null };

  it('reads concrete paths through objects and arrays', () => {
    expect(valueAt(doc, [])).toBe(doc);
    expect(valueAt(doc, ['sku'])).toBe('P1');
    expect(valueAt(doc, ['tags', '1'])).toBe('y');
    expect(valueAt(doc, ['attributes', 'a/b'])).toBe('slash');
    expect(valueAt(doc, ['nested', 'list', '0', 'id'])).toBe('v1');
    expect(valueAt(doc, ['nothing'])).toBeNull();
  });

  it('is undefined for a missing step or a bad index', () => {
    expect(valueAt(doc, ['missing'])).toBeUndefined();
    expect(valueAt(doc, ['tags', '2'])).toBeUndefined();
    expect(valueAt(doc, ['tags', '01'])).toBeUndefined();
    expect(valueAt(doc, ['tags', '-1'])).toBeUndefined();
    expect(valueAt(doc, ['tags', 'length'])).toBeUndefined();
    expect(valueAt(doc, ['sku', '0'])).toBeUndefined();
    expect(valueAt(doc, ['nothing', 'x'])).toBeUndefined();
    expect(valueAt(doc, ['toString'])).toBeUndefined();
    expect(valueAt(undefined, ['sku'])).toBeUndefined();
  });
});

describe('valuesAt', () => {
  it('fans a wildcard out over array members, in order', () => {
    expect(valuesAt({ category_ids: ['c2', 'c1', 'c2'] }, ['category_ids', '*'])).toEqual(['c2', 'c1', 'c2']);
    expect(valuesAt({ variants: [{ price: 1 }, { name: 'x' }, { price: 3 }] }, ['variants', '*', 'price'])).toEqual([1, 3]);
  });

  it('fans a wildcard out over map values in sorted key order', () => {
    expect(valuesAt({ attributes: { size: 'L', color: 'red', brand: 'acme' } }, ['attributes', '*'])).toEqual(['acme', 'red', 'L']);
  });

  it('reads a concrete path as at most one value', () => {
    expect(valuesAt({ brand_id: 'B1' }, ['brand_id'])).toEqual(['B1']);
    expect(valuesAt({ brand_id: 'B1' }, ['missing'])).toEqual([]);
    expect(valuesAt({ brand_id: 'B1' }, [])).toEqual([{ brand_id: 'B1' }]);
    expect(valuesAt(undefined, [])).toEqual([]);
  });

  it('yields nothing when a wildcard meets a scalar', () => {
    expect(valuesAt({ category_ids: 'c1' }, ['category_ids', '*'])).toEqual([]);
    expect(valuesAt({ category_ids: [] }, ['category_ids', '*'])).toEqual([]);
  });
});
