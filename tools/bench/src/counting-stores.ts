import type { Stores } from '@ivm/domain';

/** Store calls by `store.method`, e.g. `slices.put`. */
export type CallCounts = Record<string, number>;

/**
 * The same stores behind proxies that count every call: a deterministic measure of the work an
 * operation does, beside its (noisier) time.
 */
export function countingStores(stores: Stores): { stores: Stores; counts: CallCounts } {
  const counts: CallCounts = {};
  const wrap = <T extends object>(name: string, store: T): T =>
    new Proxy(store, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        const key = `${name}.${String(property)}`;
        return (...args: unknown[]) => {
          counts[key] = (counts[key] ?? 0) + 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  return {
    stores: {
      raw: wrap('raw', stores.raw),
      heads: wrap('heads', stores.heads),
      changeSets: wrap('changeSets', stores.changeSets),
      slices: wrap('slices', stores.slices),
      index: wrap('index', stores.index),
    },
    counts,
  };
}

export function totalCalls(counts: CallCounts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
