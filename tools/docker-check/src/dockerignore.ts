/**
 * `.dockerignore` as Docker reads it (moby's patternmatcher): one pattern a line, `#` comments,
 * `!` for exceptions, the last pattern that matches a path decides, and a pattern also matches
 * everything under a directory it matches. `*` and `?` stay within one path segment, `**` spans
 * any number of them. (Character classes `[...]` are not supported: our file uses none.)
 */
export interface DockerIgnore {
  /** True when `path` (relative to the build context, `/`-separated) is left out of the context. */
  excluded(path: string): boolean;
}

interface Pattern {
  readonly exception: boolean;
  readonly regex: RegExp;
}

export function parseDockerIgnore(text: string): DockerIgnore {
  const patterns: Pattern[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const exception = line.startsWith('!');
    const pattern = clean(exception ? line.slice(1).trim() : line);
    if (pattern === '') continue;
    patterns.push({ exception, regex: toRegex(pattern) });
  }
  return {
    excluded(path: string): boolean {
      const candidates = withParents(clean(path));
      let excluded = false;
      for (const pattern of patterns) if (candidates.some((candidate) => pattern.regex.test(candidate))) excluded = !pattern.exception;
      return excluded;
    },
  };
}

/** `./a//b/` → `a/b`; a leading `/` is the context root. */
function clean(path: string): string {
  return path
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
}

/** `a/b/c` → `a`, `a/b`, `a/b/c`: a pattern matching a directory matches what is under it. */
function withParents(path: string): string[] {
  const segments = path.split('/');
  return segments.map((_, i) => segments.slice(0, i + 1).join('/'));
}

function toRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    if (char === '*' && pattern.charAt(i + 1) === '*') {
      // `**/` may match no directory at all; a trailing `**` matches anything.
      if (pattern.charAt(i + 2) === '/') {
        source += '(?:.*/)?';
        i += 2;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
