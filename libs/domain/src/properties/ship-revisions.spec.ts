import fc from 'fast-check';
import { coverage, propertyParams, scheduledStores, shipOps, shipStepCounter, ShipWorld, usingDefaultRuns, worldContracts } from '../../testing';

/**
 * Document revisions (docs/deploys.md): whatever order compiles, brand renames with their
 * fan-out, cutovers and ships run in, and however their store calls interleave, a sink that keeps
 * the highest revision per document
 * (a) is only ever sent, with revision R, the document of the entity's head state R;
 * (b) never gets an older state under a higher revision;
 * (c) holds, after one final ship of every entity, the current document of the newest sliced version.
 * Compiles of one entity keep their order here (ships, cutovers and renames race them): slicings of
 * different versions of one entity racing each other (`raceCompiles`) can still leave its index
 * entries off and a rename unseen, a known engine limit beyond document revisions.
 */

/** Situations the pinned runs must reach, or the suite proves less than it claims. */
const MUST_REACH = [
  'rename at the same version shipped',
  'late ship overtaken by a newer one',
  'mismatch re-read',
  'cutover moved',
  'cutover refused: NEWER_VERSION_SLICED',
  'cutover refused: NOT_SLICED_YET',
  'cutover after the ship',
  'lost head commit (retried)',
];

/** Steps the pinned runs must walk at least. */
const MIN_STEPS = 5000;

afterAll(() => {
  process.stdout.write(`ship revisions: ${shipStepCounter.steps} steps; reached ${JSON.stringify(coverage)}\n`);
  if (usingDefaultRuns()) {
    expect(MUST_REACH.filter((what) => !coverage[what])).toEqual([]);
    expect(shipStepCounter.steps).toBeGreaterThanOrEqual(MIN_STEPS);
  }
});

describe('shipping document revisions while compiles, renames and cutovers interleave', () => {
  it('sends each revision its own state, never an older state under a higher revision, and ends on the newest document', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('sample' as const, 'coreJoin' as const),
        shipOps(24),
        fc.constantFrom(1, 3),
        fc.scheduler(),
        async (variant, ops, slowness, scheduler) => {
          const world = new ShipWorld({
            registry: worldContracts(variant).registry,
            workerStores: (stores, worker) => scheduledStores(stores, scheduler, worker === 1 ? slowness : 1),
            beforeDelivery: () => scheduler.schedule(Promise.resolve(), 'sink.apply'),
            backoff: async () => {
              for (let turn = 0; turn < 8; turn++) await scheduler.schedule(Promise.resolve(), 'ship.backoff');
            },
          });
          await world.run(ops, (work) => scheduler.waitFor(work));
          await world.checkFinal();
          world.checkDeliveries();
        },
      ),
      propertyParams(400, 8101),
    );
  });
});
