/** The images we build (docker/build.sh names them ivm-<app>) and the compose file that runs them. */
export interface ImageSpec {
  /** The repository part of the image reference, as docker/build.sh tags it. */
  readonly repository: string;
  readonly dockerfile: string;
  readonly app: 'api' | 'worker';
}

export const IMAGES: readonly ImageSpec[] = [
  { repository: 'ivm-api', dockerfile: 'docker/api.Dockerfile', app: 'api' },
  { repository: 'ivm-worker', dockerfile: 'docker/worker.Dockerfile', app: 'worker' },
];

export const COMPOSE_FILE = 'docker/compose.yaml';

/** An image reference split: `registry/name:tag@digest` (tag and digest optional). */
export interface ImageRef {
  readonly name: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

export function parseImageRef(reference: string): ImageRef {
  const at = reference.indexOf('@');
  const digest = at >= 0 ? reference.slice(at + 1) : undefined;
  const rest = at >= 0 ? reference.slice(0, at) : reference;
  // The tag is after the last colon that follows the last slash (a registry may have a port).
  const colon = findTagColon(rest);
  return colon >= 0 ? { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest } : { name: rest, tag: undefined, digest };
}

function findTagColon(reference: string): number {
  // `${VAR:?message}` holds colons of its own: look for the tag colon outside of ${…}.
  let depth = 0;
  let lastSlash = -1;
  let colon = -1;
  for (let i = 0; i < reference.length; i++) {
    const char = reference.charAt(i);
    if (char === '$' && reference.charAt(i + 1) === '{') {
      depth++;
      i++;
    } else if (char === '}' && depth > 0) depth--;
    else if (depth === 0 && char === '/') {
      lastSlash = i;
      colon = -1;
    } else if (depth === 0 && char === ':' && i > lastSlash) colon = i;
  }
  return colon;
}

/**
 * An exact version tag: starts with a version of at least `components` numeric parts
 * (`20.20.2-bookworm-slim`, `16.13`), so it names one release, not a moving line (`20`, `lts`, `latest`).
 */
export function isExactVersionTag(tag: string | undefined, components: number): boolean {
  if (tag === undefined || tag === 'latest') return false;
  return new RegExp(`^v?\\d+(\\.\\d+){${components - 1},}([-_.+][A-Za-z0-9_.+-]*)?$`).test(tag);
}
