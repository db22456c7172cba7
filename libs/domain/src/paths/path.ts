import { type Json, isJsonObject } from '../canonical/canonical-json';

/**
 * Paths address values inside a document, as segments. Contracts may write them as JSON
 * Pointers (`/category_ids/*`) or dotted (`category_ids[*]`, `attributes.*`); both parse to the
 * same segments. `*` stands for any array member or map key. Change paths are always concrete.
 */
export type PathSegments = readonly string[];

export const WILDCARD = '*';

export class PathSyntaxError extends Error {}

export function parsePath(text: string): PathSegments {
  if (text === '' || text === '/') return [];
  if (text.startsWith('/')) {
    return text
      .slice(1)
      .split('/')
      .map((segment) => {
        if (/~[^01]|~$/.test(segment)) throw new PathSyntaxError(`Bad escape in JSON Pointer segment "${segment}"`);
        return segment.replace(/~1/g, '/').replace(/~0/g, '~');
      });
  }
  const segments: string[] = [];
  for (const part of text.split('.')) {
    const match = /^([^[\]]*)((?:\[(?:\*|\d+)\])*)$/.exec(part);
    if (!match || (match[1] === '' && match[2] === '')) throw new PathSyntaxError(`Cannot parse path "${text}"`);
    if (match[1] !== '') segments.push(match[1] as string);
    for (const index of (match[2] ?? '').matchAll(/\[(\*|\d+)\]/g)) segments.push(index[1] as string);
  }
  return segments;
}

/** JSON Pointer text (RFC 6901) of concrete or wildcard segments. */
export function formatPointer(segments: PathSegments): string {
  return segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * True when the two paths can address overlapping data: one is a prefix of the other, with
 * `*` on either side matching any segment. A change at `/attributes` touches `/attributes/*`.
 */
export function overlaps(a: PathSegments, b: PathSegments): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y && x !== WILDCARD && y !== WILDCARD) return false;
  }
  return true;
}

/**
 * True when `selector` matches every concrete path that `pattern` stands for (a wildcard in the
 * pattern is covered only by a wildcard in the selector).
 */
export function covers(selector: PathSegments, pattern: PathSegments): boolean {
  const n = Math.min(selector.length, pattern.length);
  for (let i = 0; i < n; i++) {
    const s = selector[i] as string;
    if (s !== WILDCARD && (s !== pattern[i] || pattern[i] === WILDCARD)) return false;
  }
  return true;
}

/** The value at a concrete path, or undefined when any step is missing. */
export function valueAt(doc: Json | undefined, segments: PathSegments): Json | undefined {
  let current: Json | undefined = doc;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(segment)) return undefined;
      current = (current as readonly Json[])[Number(segment)];
    } else if (isJsonObject(current)) {
      current = Object.prototype.hasOwnProperty.call(current, segment) ? current[segment] : undefined;
    } else {
      return undefined;
    }
  }
  return current;
}

/** Every value a (possibly wildcard) path reaches; `*` fans out over array members and map values. */
export function valuesAt(doc: Json | undefined, segments: PathSegments): Json[] {
  let frontier: Json[] = doc === undefined ? [] : [doc];
  for (const segment of segments) {
    const next: Json[] = [];
    for (const node of frontier) {
      if (segment === WILDCARD) {
        if (Array.isArray(node)) next.push(...(node as readonly Json[]));
        else if (isJsonObject(node)) for (const key of Object.keys(node).sort()) next.push(node[key] as Json);
      } else {
        const value = valueAt(node, [segment]);
        if (value !== undefined) next.push(value);
      }
    }
    frontier = next;
  }
  return frontier;
}
