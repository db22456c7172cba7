import fc from 'fast-check';
import {
  assertEqual,
  type CatalogOp,
  CatalogWorld,
  catalogOps,
  CONTRACT_VARIANTS,
  coverage,
  HOT_POOLS,
  propertyParams,
  scheduledStores,
  type StepOutcome,
  TENANTS,
  usingDefaultRuns,
  worldContracts,
} from '../../testing';

/**
 * Order and concurrency (SPEC §12): what readers see does not depend on how many workers do the
 * work or how their store calls interleave. The same steps run one at a time in one world and,
 * in another, by concurrent workers: steps run side by side unless they conflict (below), a
 * step's slicing delivered once or twice (the second delivery by a worker that may be slow),
 * every store call interleaved as the scheduler chooses. Both worlds
 * end with the same committed slices, index, sliced and active versions, and the concurrent one
 * still equals FULL and the model.
 */

/** The entity a step is about (tenant included), or undefined for a RuleSet bump. */
function subject(op: CatalogOp): string | undefined {
  const tenant = TENANTS[op.tenant ?? 0];
  switch (op.kind) {
    case 'bumpRuleSet':
      return undefined;
    case 'putProduct':
      return `${tenant}/product#${op.doc.sku}`;
    case 'editProduct':
    case 'deleteProduct':
      return `${tenant}/product#${op.sku}`;
    case 'putBrand':
    case 'deleteBrand':
      return `${tenant}/brand#${op.brandId}`;
    case 'putCategory':
    case 'deleteCategory':
      return `${tenant}/category#${op.categoryId}`;
    case 'sliceLatest':
    case 'replay':
      return `${tenant}/${op.entityType}#${op.entityId}`;
  }
}

/**
 * Which steps must not overlap: two steps on one entity keep their order, a RuleSet bump waits
 * for everything before it and everything after waits for it. Anything else may interleave,
 * brand changes racing the slicings of their products included.
 */
function conflicts(ops: readonly CatalogOp[], _steps: readonly StepOutcome[]): (earlier: number, later: number) => boolean {
  const keys = ops.map(subject);
  return (i, j) => {
    const [a, b] = [keys[i], keys[j]];
    return a === undefined || b === undefined || a === b;
  };
}

/** Situations the pinned runs must reach. */
const MUST_REACH = ['lost head commit (retried)', 'conflicting slice put', 'superseded (stale) build', 'RuleSet bumped', 'multi-page fan-out'];

afterAll(() => {
  process.stdout.write(`interleavings: reached ${JSON.stringify(coverage)}\n`);
  if (usingDefaultRuns()) expect(MUST_REACH.filter((what) => !coverage[what])).toEqual([]);
});

describe('two workers interleaving the same steps', () => {
  it('end in the state one worker reaches, equal to FULL and to the model', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CONTRACT_VARIANTS),
        fc.boolean().chain((hot) => catalogOps({ minLength: 1, maxLength: 30, size: 'max', ...(hot ? { pools: HOT_POOLS } : {}) })),
        fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 30, maxLength: 30 }),
        fc.constantFrom(1, 4),
        fc.scheduler(),
        async (variant, ops, deliveries, slowness, scheduler) => {
          const contracts = worldContracts(variant);
          const sequential = new CatalogWorld({ contracts });
          const steps: StepOutcome[] = [];
          for (const op of ops) steps.push(await sequential.apply(op));
          const concurrent = new CatalogWorld({ contracts, engineStores: (stores, worker) => scheduledStores(stores, scheduler, worker === 1 ? slowness : 1) });
          await concurrent.applyConcurrently(ops, (work) => scheduler.waitFor(work), { conflicts: conflicts(ops, steps), deliveries });
          await concurrent.checkHeads();
          await concurrent.checkFullEqualsIncremental('after the concurrent run');
          await concurrent.checkViewsMatchModel();
          assertEqual(await concurrent.readerState(), await sequential.readerState(), 'state after two workers != state after one');
        },
      ),
      propertyParams(600, 7301),
    );
  });
});

/**
 * A product re-sliced FULL by two workers, one slow, while its brand is renamed twice: the slow
 * worker's build read the brand between the renames and reaches the store after the fan-out of
 * the second one. Its write is refused (superseded), the state equals FULL and the model.
 */
describe('stale deliveries', () => {
  const base = { gap: 1, mode: 'INCREMENTAL' as const, keyOrder: 0 };
  it('a stale build never overwrites a newer one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CONTRACT_VARIANTS), fc.constantFrom(4, 6, 8), fc.scheduler(), async (variant, slowness, scheduler) => {
        const contracts = worldContracts(variant);
        const ops: CatalogOp[] = [
          { ...base, kind: 'putBrand', brandId: 'B1', name: 'Acme' },
          { ...base, kind: 'putProduct', doc: { sku: 'P1', name: 'x', brand_id: 'B1', category_ids: [], price: 1, currency: 'KRW', status: 'ACTIVE' } },
          { ...base, mode: 'FULL', kind: 'editProduct', sku: 'P1', field: 'price', value: 5 },
          { ...base, kind: 'putBrand', brandId: 'B1', name: 'Globex' },
          { ...base, kind: 'putBrand', brandId: 'B1', name: 'Initech' },
        ];
        const concurrent = new CatalogWorld({ contracts, engineStores: (stores, worker) => scheduledStores(stores, scheduler, worker === 1 ? slowness : 1) });
        await concurrent.applyConcurrently(ops, (work) => scheduler.waitFor(work), {
          conflicts: (i, j) => i < 2 || (i === 3 && j === 4),
          deliveries: [1, 1, 2, 1, 1],
        });
        await concurrent.checkFullEqualsIncremental('after the concurrent run');
        await concurrent.checkViewsMatchModel();
      }),
      propertyParams(400, 7302),
    );
  });
});
