import fc from 'fast-check';
import { IllegalDeployCombinationError, InvalidDeployRequestError, type DomainError } from '../errors';
import { parseDeployAxes, toAxes } from './axes';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('parseDeployAxes', () => {
  it('applies the API defaults: compile sync, ship null, cutover ready', () => {
    expect(parseDeployAxes({})).toEqual({ compile: 'sync', ship: null, cutover: 'ready' });
  });

  it('reads only the axes, so the whole request body can be passed', () => {
    const body = {
      records: [{ entityType: 'product', entityId: 'A', version: 1, data: {} }],
      compile: 'async',
      ship: { mode: 'async', sinks: ['s'] },
      cutover: 'done',
    };
    expect(parseDeployAxes(body)).toEqual({ compile: 'async', ship: { mode: 'async', sinks: ['s'] }, cutover: 'done' });
  });

  it('rejects async compile with sync ship as ILLEGAL_DEPLOY_COMBINATION', () => {
    const error = thrown(() => parseDeployAxes({ compile: 'async', ship: { mode: 'sync', sinks: ['s'] } }));
    expect(error).toBeInstanceOf(IllegalDeployCombinationError);
    expect((error as DomainError).code).toBe('ILLEGAL_DEPLOY_COMBINATION');
  });

  it('reports every shape problem at once, with JSON-pointer paths', () => {
    const error = thrown(() => parseDeployAxes({ compile: 'later', cutover: 1, ship: { mode: 'fast', sinks: ['a', '', 'a'], sink: 'x' } }));
    expect(error).toBeInstanceOf(InvalidDeployRequestError);
    expect((error as DomainError).details.map((d) => d.path).sort()).toEqual(
      ['/compile', '/cutover', '/ship/mode', '/ship/sink', '/ship/sinks/1', '/ship/sinks/2'].sort(),
    );
  });

  it.each([
    [null, ''],
    [[], ''],
    ['sync', ''],
    [{ ship: 'async' }, '/ship'],
    [{ ship: { mode: 'async' } }, '/ship/sinks'],
    [{ ship: { mode: 'async', sinks: [] } }, '/ship/sinks'],
  ])('rejects %j at %s', (input, path) => {
    const error = thrown(() => parseDeployAxes(input));
    expect(error).toBeInstanceOf(InvalidDeployRequestError);
    expect((error as DomainError).details.map((d) => d.path)).toContain(path);
  });

  it('accepts exactly the allowed combinations (property)', () => {
    const maybe = <T>(values: readonly T[]) => fc.constantFrom<T | undefined | string>(...values, undefined, 'bogus');
    const ship = fc.oneof(
      fc.constant(null),
      fc.constant(undefined),
      fc.record({ mode: maybe(['sync', 'async']), sinks: fc.constantFrom<unknown>(['s1'], ['s1', 's2'], [], ['s1', 's1'], 'nope') }),
    );
    fc.assert(
      fc.property(maybe(['sync', 'async']), ship, maybe(['ready', 'done']), (compile, shipInput, cutover) => {
        const input = { compile, ship: shipInput, cutover };
        const shapeOk =
          compile !== 'bogus' &&
          cutover !== 'bogus' &&
          (shipInput === null ||
            shipInput === undefined ||
            (shipInput.mode !== 'bogus' &&
              shipInput.mode !== undefined &&
              Array.isArray(shipInput.sinks) &&
              shipInput.sinks.length > 0 &&
              new Set(shipInput.sinks).size === shipInput.sinks.length));
        const shipMode = shipInput === null || shipInput === undefined ? null : shipInput.mode;
        const forbidden = shapeOk && compile === 'async' && shipMode === 'sync';
        if (!shapeOk) {
          expect(() => parseDeployAxes(input)).toThrow(InvalidDeployRequestError);
        } else if (forbidden) {
          expect(() => parseDeployAxes(input)).toThrow(IllegalDeployCombinationError);
        } else {
          const axes = parseDeployAxes(input);
          expect(axes.compile).toBe(compile ?? 'sync');
          expect(axes.cutover).toBe(cutover ?? 'ready');
          expect(axes.ship?.mode ?? null).toBe(shipMode);
        }
      }),
      { seed: 8_001, numRuns: 300 },
    );
  });
});

describe('toAxes', () => {
  it('rejects the forbidden combination at run time too, for callers that bypass the types', () => {
    expect(() => toAxes('async', { mode: 'sync', sinks: ['s'] }, 'ready')).toThrow(IllegalDeployCombinationError);
  });
});
