import { compareInputVectors } from './input-vector';

describe('compareInputVectors', () => {
  it('is equal for the same versions of the same entities, in any key order', () => {
    expect(compareInputVectors({ 'product#P1': 1, 'brand#B1': 2 }, { 'brand#B1': 2, 'product#P1': 1 })).toBe('equal');
    expect(compareInputVectors({}, {})).toBe('equal');
  });

  it('is newer when one component is newer and none older', () => {
    expect(compareInputVectors({ 'product#P1': 1, 'brand#B1': 3 }, { 'product#P1': 1, 'brand#B1': 2 })).toBe('newer');
    expect(compareInputVectors({ 'product#P1': 2, 'brand#B1': 3 }, { 'product#P1': 1, 'brand#B1': 2 })).toBe('newer');
    // An absent join target reads as 0; its creation is newer.
    expect(compareInputVectors({ 'product#P1': 1, 'brand#B1': 1 }, { 'product#P1': 1, 'brand#B1': 0 })).toBe('newer');
  });

  it('is older when one component is older and none newer', () => {
    expect(compareInputVectors({ 'product#P1': 1, 'brand#B1': 1 }, { 'product#P1': 1, 'brand#B1': 2 })).toBe('older');
    expect(compareInputVectors({ 'product#P1': 1 }, { 'product#P1': 4 })).toBe('older');
  });

  it('is incomparable when components disagree or the entities differ', () => {
    expect(compareInputVectors({ 'product#P1': 2, 'brand#B1': 1 }, { 'product#P1': 1, 'brand#B1': 2 })).toBe('incomparable');
    expect(compareInputVectors({ 'product#P1': 1, 'brand#B2': 1 }, { 'product#P1': 1, 'brand#B1': 1 })).toBe('incomparable');
    expect(compareInputVectors({ 'product#P1': 1 }, { 'product#P1': 1, 'brand#B1': 1 })).toBe('incomparable');
    expect(compareInputVectors({ 'product#P1': 1, 'brand#B1': 1 }, { 'product#P1': 1 })).toBe('incomparable');
  });
});
