import type { CompileMode, CutoverMode, ShipMode } from '@ivm/domain';
import type { SinkPicker, SinkSelection } from './sink-selection';

/** The axes a plan stands for; read by the SDK, hidden from autocompletion. */
export const PLAN_AXES: unique symbol = Symbol('ivm.planAxes');

/** The axes of a deploy as the API takes them; sinks are resolved from the picker when sent. */
export interface PlanAxes<S extends SinkSelection = SinkSelection> {
  readonly compile: CompileMode;
  readonly ship: { readonly mode: ShipMode; readonly pick: SinkPicker<S> } | null;
  readonly cutover: CutoverMode;
}

/** A finished deploy plan: what `deploy(d => …)` must return. Every step below is one. */
export interface DeployPlan<S extends SinkSelection = SinkSelection> {
  readonly [PLAN_AXES]: PlanAxes<S>;
}

/** The last axis: when the active version moves (`ready`: once compiled; `done`: once shipped). */
export interface CutoverStep<S extends SinkSelection> {
  /** Cut over as soon as the compile is done (the default). */
  ready(): DeployPlan<S>;
  /** Cut over only once every sink has the documents. */
  done(): DeployPlan<S>;
}

/** A plan that ships: only the cutover is left to choose. */
export interface Shipped<S extends SinkSelection> extends DeployPlan<S> {
  readonly cutover: CutoverStep<S>;
}

/** After `compile.sync()`: ship in the request or in a worker, or not at all. */
export interface CompiledNow<S extends SinkSelection> extends DeployPlan<S> {
  readonly ship: {
    /** Ship in the request; it answers once the sinks have the documents (DONE) or one refused them (FAILED). */
    sync(pick: SinkPicker<S>): Shipped<S>;
    /** Ship in a worker after the request (state READY, then SINKING, DONE). */
    async(pick: SinkPicker<S>): Shipped<S>;
  };
  readonly cutover: CutoverStep<S>;
}

/**
 * After `compile.async()`: only an asynchronous ship. There is no `ship.sync` here, so
 * `compile.async().ship.sync(…)` does not compile: nothing can ship in the request before a
 * worker has compiled it (the API answers 400 ILLEGAL_DEPLOY_COMBINATION).
 */
export interface CompiledLater<S extends SinkSelection> extends DeployPlan<S> {
  readonly ship: {
    /** Ship in the worker once it has compiled. */
    async(pick: SinkPicker<S>): Shipped<S>;
  };
  readonly cutover: CutoverStep<S>;
}

/** The first axis, where every plan starts: `d => d.compile.sync()…`. */
export interface DeployStart<S extends SinkSelection> {
  readonly compile: {
    /** Compile (slice, index, fan out) in the request. */
    sync(): CompiledNow<S>;
    /** Compile in a worker; the request answers 202 QUEUED. */
    async(): CompiledLater<S>;
  };
}

/** The plan builder handed to `deploy(d => …)`. */
export function deployStart<S extends SinkSelection>(): DeployStart<S> {
  return {
    compile: {
      sync: () => compiled<S>('sync'),
      async: () => compiled<S>('async'),
    },
  };
}

function compiled<S extends SinkSelection>(compile: 'sync'): CompiledNow<S>;
function compiled<S extends SinkSelection>(compile: 'async'): CompiledLater<S>;
function compiled<S extends SinkSelection>(compile: CompileMode): CompiledNow<S> | CompiledLater<S> {
  const shipped = (mode: ShipMode, pick: SinkPicker<S>): Shipped<S> => {
    const axes: Omit<PlanAxes<S>, 'cutover'> = { compile, ship: { mode, pick } };
    return { [PLAN_AXES]: { ...axes, cutover: 'ready' }, cutover: cutoverStep(axes) };
  };
  const axes: Omit<PlanAxes<S>, 'cutover'> = { compile, ship: null };
  const base = { [PLAN_AXES]: { ...axes, cutover: 'ready' as const }, cutover: cutoverStep(axes) };
  const async = (pick: SinkPicker<S>) => shipped('async', pick);
  // Not even at run time: a JavaScript caller gets "not a function" rather than a 400.
  if (compile === 'async') return { ...base, ship: { async } };
  return { ...base, ship: { sync: (pick: SinkPicker<S>) => shipped('sync', pick), async } };
}

function cutoverStep<S extends SinkSelection>(axes: Omit<PlanAxes<S>, 'cutover'>): CutoverStep<S> {
  return {
    ready: () => ({ [PLAN_AXES]: { ...axes, cutover: 'ready' } }),
    done: () => ({ [PLAN_AXES]: { ...axes, cutover: 'done' } }),
  };
}
