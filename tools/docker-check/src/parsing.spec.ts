import { durationMs } from './compose';
import { parseDockerIgnore } from './dockerignore';
import { execForm } from './dockerfile';
import { isExactVersionTag, parseImageRef } from './images';
import { interpolate } from './interpolation';
import { workspaceManifests } from './repo';

describe('.dockerignore matching (moby patternmatcher semantics)', () => {
  const ignore = parseDockerIgnore(['# comment', '*', '!apps/*/src', '!package.json', '**/*.spec.ts', '**/node_modules', ''].join('\n'));

  it.each([
    ['README.md', true],
    ['package.json', false],
    ['apps/api/package.json', true],
    ['apps/api/src/main.ts', false],
    ['apps/api/src/deep/x.ts', false],
    ['apps/api/src/main.spec.ts', true],
    ['apps/api/src/node_modules/x/index.js', true],
    ['node_modules/x/index.js', true],
    ['./package.json', false],
  ])('%s excluded: %s', (path, excluded) => {
    expect(ignore.excluded(path)).toBe(excluded);
  });

  it('lets the last matching pattern decide, and excludes nothing when empty', () => {
    expect(parseDockerIgnore('a\n!a').excluded('a/b')).toBe(false);
    expect(parseDockerIgnore('!a\na').excluded('a/b')).toBe(true);
    expect(parseDockerIgnore('').excluded('anything')).toBe(false);
    expect(parseDockerIgnore('docs/**/*.md').excluded('docs/x.md')).toBe(true);
    expect(parseDockerIgnore('?.txt').excluded('ab.txt')).toBe(false);
  });
});

describe('compose interpolation', () => {
  it('evaluates as if nothing were exported, keeping required references', () => {
    expect(interpolate('a-${X:-3000}-${Y-z}-${Z}-$W-$$').value).toBe('a-3000-z---$');
    const required = interpolate('ivm-api:${IVM_IMAGE_TAG:?run docker/build.sh first}');
    expect(required.value).toBe('ivm-api:${IVM_IMAGE_TAG:?run docker/build.sh first}');
    expect(required.references).toEqual([{ name: 'IVM_IMAGE_TAG', required: true, operator: ':?', word: 'run docker/build.sh first' }]);
    expect(interpolate('${A:+yes}').value).toBe('');
  });
});

describe('image references', () => {
  it('splits name, tag and digest, also around ${…} and registry ports', () => {
    expect(parseImageRef('node:20.20.2-bookworm-slim')).toEqual({ name: 'node', tag: '20.20.2-bookworm-slim', digest: undefined });
    expect(parseImageRef('registry:5000/team/ivm-api')).toEqual({ name: 'registry:5000/team/ivm-api', tag: undefined, digest: undefined });
    expect(parseImageRef('ivm-api:${T:?a: b}')).toEqual({ name: 'ivm-api', tag: '${T:?a: b}', digest: undefined });
    expect(parseImageRef('postgres:16.13@sha256:abc')).toEqual({ name: 'postgres', tag: '16.13', digest: 'sha256:abc' });
  });

  it.each([
    ['20.20.2-bookworm-slim', 3, true],
    ['20.20-bookworm-slim', 3, false],
    ['20', 2, false],
    ['16.13', 2, true],
    ['lts', 2, false],
    ['latest', 2, false],
    [undefined, 2, false],
  ])('%s is exact with %i components: %s', (tag, components, exact) => {
    expect(isExactVersionTag(tag, components)).toBe(exact);
  });
});

describe('small readers', () => {
  it('reads exec form only from a JSON array of strings', () => {
    expect(execForm('["node", "main.js"]')).toEqual(['node', 'main.js']);
    expect(execForm('node main.js')).toBeUndefined();
    expect(execForm('["node", "main.js"')).toBeUndefined();
    expect(execForm('[]')).toBeUndefined();
    expect(execForm('[1]')).toBeUndefined();
  });

  it('reads compose durations', () => {
    expect(durationMs('30s')).toBe(30_000);
    expect(durationMs('1m30s')).toBe(90_000);
    expect(durationMs('500ms')).toBe(500);
    expect(durationMs('soon')).toBeUndefined();
  });

  it('lists the workspaces of a lockfile', () => {
    const lock = { packages: { '': {}, 'apps/api': {}, 'node_modules/@ivm/api': { link: true }, 'libs/x': {}, 'libs/x/node_modules/yaml': {} } };
    expect(workspaceManifests(JSON.stringify(lock))).toEqual(['apps/api/package.json', 'libs/x/package.json']);
  });
});
