import type fc from 'fast-check';
import { compareInputVectors, compareSemver, type SliceWrite, type Stores } from '../src';
import { reach } from './catalog-world';

/**
 * The stores with every call held back until the scheduler lets it through, so concurrent
 * slicings interleave at each store call in an order the property chooses (and shrinks); a slow
 * worker's calls wait `yields` turns each. The
 * in-memory stores complete each call in one synchronous step, like one conditional write.
 */
export function scheduledStores(stores: Stores, scheduler: fc.Scheduler, yields = 1): Stores {
  const wrap = <T extends object>(target: T, name: string): T =>
    new Proxy(target, {
      get(object, property) {
        const value: unknown = Reflect.get(object, property, object);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          for (let i = 0; i < yields; i++) await scheduler.schedule(Promise.resolve(), `${name}.${String(property)}`);
          const result = await (value as (...a: unknown[]) => unknown).apply(object, args);
          if (name === 'heads' && property === 'commit' && result === false) reach('lost head commit (retried)');
          if (name === 'slices' && property === 'put') await noteStale(stores, result as readonly SliceWrite[]);
          return result;
        };
      },
    });
  return {
    raw: wrap(stores.raw, 'raw'),
    heads: wrap(stores.heads, 'heads'),
    changeSets: wrap(stores.changeSets, 'changeSets'),
    slices: wrap(stores.slices, 'slices'),
    index: wrap(stores.index, 'index'),
  };
}

/** Counts conflicting slice writes, and among them stale builds: the key already holds a build from newer inputs or a newer RuleSet. */
async function noteStale(stores: Stores, conflicts: readonly SliceWrite[]): Promise<void> {
  if (conflicts.length === 0) return;
  reach('conflicting slice put');
  const tenantId = conflicts[0]?.record.tenantId as string;
  const there = await stores.slices.get(
    tenantId,
    conflicts.map(({ record }) => record),
  );
  conflicts.forEach(({ record }, i) => {
    const current = there[i];
    if (!current || current.hash === record.hash) return;
    const byRuleSet = compareSemver(record.ruleSetRef.version, current.ruleSetRef.version);
    if (byRuleSet < 0 || (byRuleSet === 0 && compareInputVectors(record.inputVector, current.inputVector) === 'older')) reach('superseded (stale) build');
  });
}
