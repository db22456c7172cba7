import { isJsonObject } from '../canonical/canonical-json';
import { IllegalDeployCombinationError, InvalidDeployRequestError, type ErrorDetail } from '../errors';

export type CompileMode = 'sync' | 'async';
export type ShipMode = 'sync' | 'async';
export type CutoverMode = 'ready' | 'done';

/** Where and how a deploy ships: the sink ids (Sink contract ids) and whether the request waits. */
export interface ShipSpec<M extends ShipMode = ShipMode> {
  readonly mode: M;
  readonly sinks: readonly string[];
}

/**
 * The three deploy axes. A discriminated union on `compile`, so `compile: 'async'` with
 * `ship.mode: 'sync'` does not type-check: there is nothing to ship synchronously before an
 * asynchronous compile has produced it. `ship: null` means nothing is shipped.
 */
export type DeployAxes =
  | { readonly compile: 'sync'; readonly ship: ShipSpec | null; readonly cutover: CutoverMode }
  | { readonly compile: 'async'; readonly ship: ShipSpec<'async'> | null; readonly cutover: CutoverMode };

export const DEFAULT_DEPLOY_AXES: DeployAxes = { compile: 'sync', ship: null, cutover: 'ready' };

const COMPILE_MODES: readonly string[] = ['sync', 'async'] satisfies readonly CompileMode[];
const SHIP_MODES: readonly string[] = ['sync', 'async'] satisfies readonly ShipMode[];
const CUTOVER_MODES: readonly string[] = ['ready', 'done'] satisfies readonly CutoverMode[];
const SHIP_KEYS: readonly string[] = ['mode', 'sinks'];

/**
 * Reads the axes from a deploy request (API.md shape). Only `compile`, `ship` and `cutover` are
 * read, so the whole request body may be passed in. Omitted axes take the API defaults
 * (compile 'sync', ship null, cutover 'ready'). Shape problems are all reported at once as
 * InvalidDeployRequestError with JSON-pointer paths; a well-formed but forbidden combination is
 * IllegalDeployCombinationError.
 */
export function parseDeployAxes(input: unknown): DeployAxes {
  if (!isJsonObject(input)) {
    throw new InvalidDeployRequestError('A deploy request is a JSON object', [{ path: '', message: 'must be an object' }]);
  }
  const problems: ErrorDetail[] = [];
  const compile = readEnum(input['compile'], '/compile', COMPILE_MODES, DEFAULT_DEPLOY_AXES.compile, problems) as CompileMode;
  const cutover = readEnum(input['cutover'], '/cutover', CUTOVER_MODES, DEFAULT_DEPLOY_AXES.cutover, problems) as CutoverMode;
  const ship = readShip(input['ship'], problems);
  if (problems.length > 0) {
    throw new InvalidDeployRequestError(`The deploy axes are invalid (${problems.length} problem${problems.length === 1 ? '' : 's'})`, problems);
  }
  return toAxes(compile, ship, cutover);
}

/** Builds axes from loosely typed parts, rejecting the forbidden combination at run time. */
export function toAxes(compile: CompileMode, ship: ShipSpec | null, cutover: CutoverMode): DeployAxes {
  if (compile === 'sync') return { compile, ship, cutover };
  if (ship === null) return { compile, ship, cutover };
  if (ship.mode === 'sync') throw new IllegalDeployCombinationError(compile, ship.mode);
  return { compile, ship: { mode: ship.mode, sinks: ship.sinks }, cutover };
}

function readEnum(value: unknown, path: string, allowed: readonly string[], fallback: string, problems: ErrorDetail[]): string {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && allowed.includes(value)) return value;
  problems.push({ path, message: `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}` });
  return fallback;
}

function readShip(value: unknown, problems: ErrorDetail[]): ShipSpec | null {
  if (value === undefined || value === null) return null;
  if (!isJsonObject(value)) {
    problems.push({ path: '/ship', message: 'must be null or an object {mode, sinks}' });
    return null;
  }
  for (const key of Object.keys(value)) {
    if (!SHIP_KEYS.includes(key)) problems.push({ path: `/ship/${key}`, message: 'is not a ship field (allowed: mode, sinks)' });
  }
  const mode = value['mode'];
  if (typeof mode !== 'string' || !SHIP_MODES.includes(mode)) {
    problems.push({ path: '/ship/mode', message: 'must be "sync" or "async"' });
  }
  const sinks = readSinks(value['sinks'], problems);
  return { mode: mode === 'sync' ? 'sync' : 'async', sinks };
}

function readSinks(value: unknown, problems: ErrorDetail[]): readonly string[] {
  if (!Array.isArray(value)) {
    problems.push({ path: '/ship/sinks', message: 'must be an array of sink ids' });
    return [];
  }
  // Shipping to no sink, or to one sink twice, is a caller's mistake worth failing on, not a no-op.
  if (value.length === 0) problems.push({ path: '/ship/sinks', message: 'must name at least one sink' });
  const seen = new Set<string>();
  value.forEach((sink: unknown, index) => {
    if (typeof sink !== 'string' || sink.length === 0) {
      problems.push({ path: `/ship/sinks/${index}`, message: 'must be a non-empty sink id' });
    } else if (seen.has(sink)) {
      problems.push({ path: `/ship/sinks/${index}`, message: `repeats sink "${sink}"` });
    } else {
      seen.add(sink);
    }
  });
  return [...seen];
}
