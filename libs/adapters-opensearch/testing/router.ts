import { type Context, type Reply } from './context';
import { UnsupportedError } from './errors';

/**
 * Routes the way RestController and its PathTrie do: a path pattern per API, a literal segment
 * preferred over a `{wildcard}` (so `/_search` is search, while `/_foo` reaches `/{index}` and
 * answers like an unknown index), 405 with `Allow` when the path exists under other methods only,
 * 400 "no handler found" when nothing matches. Each route lists the URL parameters it accepts;
 * OpenSearch answers an unknown parameter with 400 ("contains unrecognized parameter"), and so
 * does the test server.
 */
export type Handler = (ctx: Context, params: Readonly<Record<string, string>>) => Reply;

export interface Route {
  readonly methods: readonly string[];
  readonly pattern: string;
  /** URL parameters implemented (or safely meaningless here, like `timeout`). */
  readonly params: readonly string[];
  /** Real parameters of this API the test server does not implement: refused as unsupported. */
  readonly unsupportedParams?: readonly string[];
  readonly handle: Handler;
}

/** Accepted on every route; `pretty` is honoured, the others change nothing the test server returns. */
const GLOBAL_PARAMS = new Set(['pretty', 'human', 'error_trace']);
/** Real on every route, not implemented. */
const GLOBAL_UNSUPPORTED = new Set(['filter_path', 'source', 'source_content_type', 'format']);

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'wrong-method'; readonly allowed: readonly string[] }
  | { readonly kind: 'none' };

/** The parameters a path gives a pattern, and how many of its segments were literal (more is more specific). */
function matchPattern(pattern: string, segments: readonly string[]): { params: Record<string, string>; literals: number } | undefined {
  const parts = pattern.split('/').filter((part) => part !== '');
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  let literals = 0;
  for (const [i, part] of parts.entries()) {
    const segment = segments[i] ?? '';
    if (part.startsWith('{')) {
      if (segment === '') return undefined;
      params[part.slice(1, -1)] = segment;
    } else if (part === segment) literals++;
    else return undefined;
  }
  return { params, literals };
}

export function matchRoute(routes: readonly Route[], method: string, segments: readonly string[]): RouteMatch {
  const allowed = new Set<string>();
  let best: { route: Route; params: Record<string, string>; literals: number } | undefined;
  for (const route of routes) {
    const match = matchPattern(route.pattern, segments);
    if (match === undefined) continue;
    for (const m of route.methods) allowed.add(m);
    if (route.methods.includes(method) && (best === undefined || match.literals > best.literals)) best = { route, ...match };
  }
  if (best !== undefined) return { kind: 'found', route: best.route, params: best.params };
  return allowed.size > 0 ? { kind: 'wrong-method', allowed: [...allowed].sort() } : { kind: 'none' };
}

/** @throws for a URL parameter the route does not take (UnsupportedError when it is real but not implemented) */
export function checkParams(route: Route, path: string, query: ReadonlyMap<string, string>): void {
  const unknown: string[] = [];
  for (const name of query.keys()) {
    if (route.params.includes(name) || GLOBAL_PARAMS.has(name)) continue;
    if (GLOBAL_UNSUPPORTED.has(name) || route.unsupportedParams?.includes(name))
      throw new UnsupportedError('illegal_argument_exception', `parameter [${name}] of [${path}]`);
    unknown.push(name);
  }
  // OpenSearch refuses these too, but the lists above are not every real parameter: recorded as unsupported, to be looked at.
  if (unknown.length === 1) throw new UnsupportedError('illegal_argument_exception', `request [${path}] contains unrecognized parameter: [${unknown[0]}]`);
  if (unknown.length > 1) {
    throw new UnsupportedError(
      'illegal_argument_exception',
      `request [${path}] contains unrecognized parameters: ${unknown.map((name) => `[${name}]`).join(', ')}`,
    );
  }
}
