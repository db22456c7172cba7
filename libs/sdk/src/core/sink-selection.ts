/** The sinks a selection names, in the order picked; read by the SDK, hidden from autocompletion. */
export const SELECTED_SINKS: unique symbol = Symbol('ivm.selectedSinks');

/**
 * What a ship picker returns. Generated catalogs extend it with one method per Sink contract
 * (`opensearchProducts()`, `personalize()`), each answering a selection with that sink added.
 */
export interface SinkSelection {
  readonly [SELECTED_SINKS]: readonly string[];
}

/** `s => s.opensearchProducts().personalize()`: picks sinks from an empty selection. */
export type SinkPicker<S extends SinkSelection> = (sinks: S) => S;

/** Builds the runtime selection object of a catalog: `methods` maps each method name to its sink id. */
export function sinkSelection<S extends SinkSelection>(methods: Readonly<Record<string, string>>, picked: readonly string[] = []): S {
  const selection: Record<string | symbol, unknown> = { [SELECTED_SINKS]: picked };
  for (const [method, sinkId] of Object.entries(methods)) {
    selection[method] = () => sinkSelection<S>(methods, picked.includes(sinkId) ? picked : [...picked, sinkId]);
  }
  return Object.freeze(selection) as unknown as S;
}

/** The sink ids a picker chose, from an empty selection. */
export function pickSinks<S extends SinkSelection>(methods: Readonly<Record<string, string>>, pick: SinkPicker<S>): readonly string[] {
  return pick(sinkSelection<S>(methods))[SELECTED_SINKS];
}
