import fc from 'fast-check';
import { CatalogWorld, catalogOps, propertyParams, stepCounter, usingDefaultRuns } from '../../testing';

/**
 * The law of the engine (SPEC §2.8, §12): after EVERY step of a random change sequence, the
 * effective slices and the inverted index maintained incrementally equal a FULL rebuild from
 * the same raw data; re-running a step writes nothing; a brand change rebuilds exactly its
 * products' enriched slices; and every view equals the documents it was built from.
 */
const MIN_STEPS = 20_000;

describe('FULL == INCREMENTAL over random change sequences', () => {
  afterAll(() => {
    // The CI default must explore at least MIN_STEPS random steps; fail loudly if it shrinks.
    process.stdout.write(`FULL == INCREMENTAL: ${stepCounter.steps} random steps checked\n`);
    if (usingDefaultRuns()) expect(stepCounter.steps).toBeGreaterThanOrEqual(MIN_STEPS);
  });

  it('holds after every step, with idempotent re-runs and exact brand fan-out', async () => {
    await fc.assert(
      fc.asyncProperty(catalogOps({ minLength: 1, maxLength: 80, size: 'max' }), async (ops) => {
        const world = new CatalogWorld();
        for (const [i, op] of ops.entries()) {
          const step = await world.apply(op);
          const context = `after step ${i + 1}/${ops.length} (${op.kind} → ${step.entityKey}@${step.version}, ${op.mode})`;
          world.checkBrandFanout(step);
          await world.checkFullEqualsIncremental(context);
          await world.checkIdempotent(step);
          await world.checkViewsMatchModel();
        }
      }),
      propertyParams(560),
    );
  });
});
