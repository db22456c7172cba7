// Type-level proof for the SDK rule: the typecheck target compiles this file, and an expect-error
// directive with no error under it fails the build, so each forbidden line must really not compile.
import { toAxes, type DeployAxes, type ShipSpec } from './axes';
import type { TaskPayload } from './outbox-task';

const sinks = ['opensearch-products'];

const allowed: readonly DeployAxes[] = [
  { compile: 'sync', ship: null, cutover: 'ready' },
  { compile: 'sync', ship: { mode: 'sync', sinks }, cutover: 'ready' },
  { compile: 'sync', ship: { mode: 'async', sinks }, cutover: 'done' },
  { compile: 'async', ship: null, cutover: 'done' },
  { compile: 'async', ship: { mode: 'async', sinks }, cutover: 'ready' },
];

// @ts-expect-error compile.async + ship.sync is forbidden
const _literal: DeployAxes = { compile: 'async', ship: { mode: 'sync', sinks }, cutover: 'ready' };

const syncShip: ShipSpec<'sync'> = { mode: 'sync', sinks };
// @ts-expect-error also when the sync ship spec comes from a variable
const _fromVariable: DeployAxes = { compile: 'async', ship: syncShip, cutover: 'ready' };

const someShip: ShipSpec = { mode: 'async', sinks };
// @ts-expect-error a ship whose mode is only known as ShipMode might be sync
const _widened: DeployAxes = { compile: 'async', ship: someShip, cutover: 'ready' };

// @ts-expect-error an outbox payload never carries document data
const _leakyLiteral: TaskPayload = { tenantId: 't', jobId: 'j', entities: [], sinkIds: [], data: { name: 'x' } };

const withData = { tenantId: 't', jobId: 'j', entities: [], sinkIds: [], data: { name: 'x' } };
// @ts-expect-error not even through a variable, where excess-property checks do not apply
const _leakyVariable: TaskPayload = withData;

describe('DeployAxes type', () => {
  it('admits every allowed combination', () => {
    expect(allowed.map((axes) => toAxes(axes.compile, axes.ship, axes.cutover))).toEqual(allowed);
  });
});
