import { type JsonObject } from '../canonical/canonical-json';
import { SliceInvariantViolationError } from '../errors';
import { type InputVector, type SliceRecord } from '../ports/records';
import { type BuiltSlice } from './build-slice';
import { sliceHash, tombstoneSliceHash } from './slice-hash';
import { decideWrite } from './write-decision';

const TYPE = 'PRODUCT_BRAND_ENRICHED';

function built(data: JsonObject | null, inputVector: InputVector): BuiltSlice {
  return data === null
    ? { sliceType: TYPE, hash: tombstoneSliceHash(TYPE), tombstone: true, data: null, inputVector }
    : { sliceType: TYPE, hash: sliceHash(TYPE, data), tombstone: false, data, inputVector };
}

function stored(version: number, data: JsonObject | null, inputVector: InputVector, ruleSetVersion = '1.0.0'): SliceRecord {
  const b = built(data, inputVector);
  return {
    tenantId: 't',
    entityKey: 'product#P1',
    version,
    sliceType: TYPE,
    hash: b.hash,
    tombstone: b.tombstone,
    data: b.data,
    inputVector,
    ruleSetRef: { id: 'product', version: ruleSetVersion },
  };
}

const OLD = { sku: 'P1', brand_name: 'Old' };
const NEW = { sku: 'P1', brand_name: 'New' };

describe('decideWrite', () => {
  it('leaves the slice unchanged when the hash is the same', () => {
    expect(decideWrite(built(OLD, { 'product#P1': 2, 'brand#B1': 1 }), stored(1, OLD, { 'product#P1': 1, 'brand#B1': 1 }), 2, '1.0.0')).toEqual({
      kind: 'unchanged',
    });
    // Even at the same version with a different vector: same content is no change.
    expect(decideWrite(built(OLD, { 'product#P1': 1, 'brand#B1': 2 }), stored(1, OLD, { 'product#P1': 1, 'brand#B1': 1 }), 1, '1.0.0')).toEqual({
      kind: 'unchanged',
    });
  });

  it('leaves a tombstone over nothing, or over a tombstone, unchanged', () => {
    expect(decideWrite(built(null, { 'product#P1': 1 }), undefined, 1, '1.0.0')).toEqual({ kind: 'unchanged' });
    expect(decideWrite(built(null, { 'product#P1': 3 }), stored(2, null, { 'product#P1': 2 }), 3, '1.0.0')).toEqual({ kind: 'unchanged' });
  });

  it('writes a new record (expecting the key absent) when nothing exists or the effective slice is older', () => {
    expect(decideWrite(built(OLD, { 'product#P1': 1 }), undefined, 1, '1.0.0')).toEqual({ kind: 'write', expected: { absent: true } });
    expect(decideWrite(built(NEW, { 'product#P1': 2 }), stored(1, OLD, { 'product#P1': 1 }), 2, '1.0.0')).toEqual({
      kind: 'write',
      expected: { absent: true },
    });
    // A tombstone over a live slice is a write.
    expect(decideWrite(built(null, { 'product#P1': 2 }), stored(1, OLD, { 'product#P1': 1 }), 2, '1.0.0')).toEqual({
      kind: 'write',
      expected: { absent: true },
    });
  });

  it('overwrites the record at the same version only from a strictly newer input vector, expecting its hash', () => {
    const effective = stored(1, OLD, { 'product#P1': 1, 'brand#B1': 1 });
    expect(decideWrite(built(NEW, { 'product#P1': 1, 'brand#B1': 2 }), effective, 1, '1.0.0')).toEqual({
      kind: 'write',
      expected: { hash: effective.hash, inputVector: effective.inputVector },
    });
  });

  it('reports a build from an older input vector as superseded', () => {
    const effective = stored(1, NEW, { 'product#P1': 1, 'brand#B1': 2 });
    expect(decideWrite(built(OLD, { 'product#P1': 1, 'brand#B1': 1 }), effective, 1, '1.0.0')).toEqual({ kind: 'superseded', by: 'inputs' });
  });

  it('throws SliceInvariantViolationError for the same input vector with another hash', () => {
    const effective = stored(1, OLD, { 'product#P1': 1, 'brand#B1': 1 });
    const decide = (): unknown => decideWrite(built(NEW, { 'product#P1': 1, 'brand#B1': 1 }), effective, 1, '1.0.0');
    expect(decide).toThrow(SliceInvariantViolationError);
    expect(decide).toThrow(/^product#P1@1\/PRODUCT_BRAND_ENRICHED: the same input vector/);
    expect(decide).toThrow(expect.objectContaining({ code: 'SLICE_INVARIANT_VIOLATION' }) as Error);
  });

  it('throws SliceInvariantViolationError for incomparable input vectors', () => {
    const effective = stored(1, OLD, { 'product#P1': 1, 'brand#B1': 1 });
    expect(() => decideWrite(built(NEW, { 'product#P1': 1, 'brand#B2': 1 }), effective, 1, '1.0.0')).toThrow(/read different entities for one version/);
    expect(() => decideWrite(built(NEW, { 'product#P1': 1 }), effective, 1, '1.0.0')).toThrow(SliceInvariantViolationError);
  });

  it('lets a newer RuleSet version overwrite, and an older one never (no flip-flop in a rolling deploy)', () => {
    const effective = stored(1, OLD, { 'product#P1': 1, 'brand#B1': 1 }, '0.9.0');
    expect(decideWrite(built(NEW, { 'product#P1': 1, 'brand#B1': 1 }), effective, 1, '1.0.0')).toEqual({
      kind: 'write',
      expected: { hash: effective.hash, inputVector: effective.inputVector },
    });
    expect(decideWrite(built(NEW, { 'product#P1': 1, 'brand#B1': 0 }), effective, 1, '1.0.0')).toEqual({
      kind: 'write',
      expected: { hash: effective.hash, inputVector: effective.inputVector },
    });
    // The other way round: a build by 0.9.0 over a slice by 1.0.0 is superseded, whatever its inputs.
    const newer = stored(1, NEW, { 'product#P1': 1, 'brand#B1': 1 }, '1.0.0');
    expect(decideWrite(built(OLD, { 'product#P1': 1, 'brand#B1': 9 }), newer, 1, '0.9.0')).toEqual({ kind: 'superseded', by: 'ruleSet' });
    expect(decideWrite(built(OLD, { 'product#P1': 1, 'brand#B1': 1 }), stored(1, NEW, { 'product#P1': 1, 'brand#B1': 1 }, '1.10.0'), 1, '1.9.0')).toEqual({
      kind: 'superseded',
      by: 'ruleSet',
    });
  });
});

describe('sliceHash', () => {
  it('depends on type and content only, and differs from the tombstone hash', () => {
    expect(sliceHash(TYPE, { a: 1, b: 2 })).toBe(sliceHash(TYPE, { b: 2, a: 1 }));
    expect(sliceHash(TYPE, { a: 1 })).not.toBe(sliceHash('PRODUCT_CORE', { a: 1 }));
    expect(tombstoneSliceHash(TYPE)).toBe(tombstoneSliceHash(TYPE));
    expect(tombstoneSliceHash(TYPE)).not.toBe(tombstoneSliceHash('PRODUCT_CORE'));
    expect(tombstoneSliceHash(TYPE)).not.toBe(sliceHash(TYPE, {}));
  });
});
