import { compareSemver } from './semver';

describe('compareSemver', () => {
  it('orders versions by SemVer 2.0.0 precedence', () => {
    // The example chain of semver.org §11, oldest first.
    const chain = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.1.0',
      '1.10.0',
      '2.0.0',
    ];
    for (let i = 0; i < chain.length; i++) {
      for (let j = 0; j < chain.length; j++) {
        expect({ a: chain[i], b: chain[j], order: compareSemver(chain[i] as string, chain[j] as string) }).toEqual({
          a: chain[i],
          b: chain[j],
          order: Math.sign(i - j),
        });
      }
    }
  });

  it('ignores build metadata', () => {
    expect(compareSemver('1.2.3+build.7', '1.2.3')).toBe(0);
    expect(compareSemver('1.2.3+a', '1.2.4+a')).toBe(-1);
  });
});
