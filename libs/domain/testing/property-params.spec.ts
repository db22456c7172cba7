import fc from 'fast-check';
import { propertyParams, usingDefaultRuns } from './property-params';

describe('propertyParams', () => {
  const saved = { seed: process.env['IVM_PROPERTY_SEED'], runs: process.env['IVM_PROPERTY_RUNS'] };
  const setEnv = (seed: string | undefined, runs: string | undefined): void => {
    for (const [name, value] of [
      ['IVM_PROPERTY_SEED', seed],
      ['IVM_PROPERTY_RUNS', runs],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  afterEach(() => setEnv(saved.seed, saved.runs));

  const failure = (run: () => void): Error => {
    try {
      run();
    } catch (error) {
      return error as Error;
    }
    throw new Error('the property did not fail');
  };

  it('a failure reports the seed it used, the counterexample, the cause and the replay command', () => {
    setEnv(undefined, undefined);
    const error = failure(() =>
      fc.assert(
        fc.property(fc.nat(), (n) => {
          expect(n).toBeLessThan(10);
        }),
        propertyParams(100, 4242),
      ),
    );
    expect(error.message).toContain('seed: 4242');
    expect(error.message).toContain('Counterexample: [10]');
    expect(error.message).toContain('Property seed: 4242. Replay with IVM_PROPERTY_SEED=4242 npx nx run domain:test');
    expect(String((error.cause as Error).message)).toContain('toBeLessThan');
  });

  it('an overridden seed and run count are the ones reported', async () => {
    setEnv('99', '50');
    expect(propertyParams(100, 4242)).toMatchObject({ seed: 99, numRuns: 50 });
    const error = await fc
      .assert(
        fc.asyncProperty(fc.nat(), async (n) => {
          expect(n).toBeLessThan(10);
        }),
        propertyParams(100, 4242),
      )
      .then(
        () => new Error('the property did not fail'),
        (e: unknown) => e as Error,
      );
    expect(error.message).toContain('seed: 99');
    expect(error.message).toContain('Replay with IVM_PROPERTY_SEED=99 IVM_PROPERTY_RUNS=50 npx nx run domain:test');
  });

  it('suite-level minimums apply to the pinned run only', () => {
    setEnv(undefined, undefined);
    expect(usingDefaultRuns()).toBe(true);
    setEnv('', '');
    expect(usingDefaultRuns()).toBe(true);
    setEnv('12345', undefined);
    expect(usingDefaultRuns()).toBe(false);
    setEnv(undefined, '2000');
    expect(usingDefaultRuns()).toBe(false);
  });

  it('rejects malformed settings', () => {
    setEnv('abc', undefined);
    expect(() => propertyParams(10)).toThrow('IVM_PROPERTY_SEED must be an integer, got abc');
    setEnv(undefined, '0');
    expect(() => propertyParams(10)).toThrow('IVM_PROPERTY_RUNS must be a positive integer, got 0');
  });
});
