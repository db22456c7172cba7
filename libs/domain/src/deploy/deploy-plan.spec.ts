import type { DeployAxes } from './axes';
import { deployPlan } from './deploy-plan';

const ship = <M extends 'sync' | 'async'>(mode: M) => ({ mode, sinks: ['opensearch-products'] });

describe('deployPlan', () => {
  it.each<[string, DeployAxes, object]>([
    ['sync compile, nothing shipped: no outbox', { compile: 'sync', ship: null, cutover: 'ready' }, { compile: 'INLINE', ship: 'NONE', tasks: [] }],
    ['sync + sync: all inline, no outbox', { compile: 'sync', ship: ship('sync'), cutover: 'ready' }, { compile: 'INLINE', ship: 'INLINE', tasks: [] }],
    [
      'sync + async: SHIP_TASK once the inline compile is done',
      { compile: 'sync', ship: ship('async'), cutover: 'ready' },
      { compile: 'INLINE', ship: 'OUTBOX', enqueueOnAccept: null, enqueueAfterCompile: 'SHIP_TASK', tasks: ['SHIP_TASK'] },
    ],
    [
      'async compile, nothing shipped: COMPILE_TASK only',
      { compile: 'async', ship: null, cutover: 'done' },
      { compile: 'OUTBOX', ship: 'NONE', enqueueOnAccept: 'COMPILE_TASK', enqueueAfterCompile: null, tasks: ['COMPILE_TASK'] },
    ],
    [
      'async + async: COMPILE_TASK, then a chained SHIP_TASK',
      { compile: 'async', ship: ship('async'), cutover: 'ready' },
      { compile: 'OUTBOX', ship: 'OUTBOX', enqueueOnAccept: 'COMPILE_TASK', enqueueAfterCompile: 'SHIP_TASK', tasks: ['COMPILE_TASK', 'SHIP_TASK'] },
    ],
  ])('%s', (_name, axes, expected) => {
    expect(deployPlan(axes)).toMatchObject(expected);
  });
});
