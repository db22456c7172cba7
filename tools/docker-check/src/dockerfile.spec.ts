import { checkRepo } from './check-repo';
import { checkDockerfile, parseDockerfile } from './dockerfile';
import { parseDockerIgnore } from './dockerignore';
import { failed } from './report';
import { repoAt } from './repo';

/*
 * Each rule of `npm run check:docker` on the real files, then on a copy broken in one way: the
 * check that guards against that break fails, naming the line, and no other does.
 */

const repo = repoAt();
const API = 'docker/api.Dockerfile';
const WORKER = 'docker/worker.Dockerfile';
const api = repo.read(API);

/** `text` with `from` replaced (which must be there, so a test cannot silently stop breaking anything). */
function breaking(text: string, from: string | RegExp, to: string): string {
  expect(text).toMatch(from);
  return text.replace(from, to);
}

/** The failing checks of the whole repository with `path` replaced by `text`, as "subject: rule" plus problems. */
function failures(overrides: Record<string, string>) {
  return failed(checkRepo(repo, overrides)).map((c) => ({ check: `${c.subject}: ${c.rule}`, problems: c.problems }));
}
const names = (overrides: Record<string, string>) => failures(overrides).map((f) => f.check);

describe('the repository as committed', () => {
  it('passes every check', () => {
    const checks = checkRepo(repo);
    expect(failed(checks)).toEqual([]);
    expect(checks.length).toBeGreaterThanOrEqual(26);
  });
});

describe('Dockerfile rules catch a broken Dockerfile', () => {
  it('syntax: an unknown instruction (dockerfile-utils)', () => {
    const broken = breaking(api, 'WORKDIR /app\n', 'WORKDIR /app\nCOPPY contracts ./contracts\n');
    expect(failures({ [API]: broken })).toEqual([
      { check: `${API}: syntax and instructions (dockerfile-utils)`, problems: [expect.stringMatching(/^line \d+: Unknown instruction: COPPY/)] },
    ]);
  });

  it.each([
    ['a moving major', 'node:20-bookworm-slim'],
    ['no tag at all', 'node'],
    ['latest', 'node:latest'],
    ['a variable', '${NODE_IMAGE}'],
  ])('base images pinned: %s is refused', (_, image) => {
    const broken = breaking(api, 'FROM node:20.20.2-bookworm-slim AS runtime', `FROM ${image} AS runtime`);
    expect(names({ [API]: broken })).toContain(`${API}: base images pinned to an exact version`);
    // (dockerfile-utils also objects to an ARG-less variable; nothing else fails.)
    expect(names({ [API]: broken }).filter((n) => !n.includes('dockerfile-utils'))).toEqual([`${API}: base images pinned to an exact version`]);
  });

  it('a pinned digest is accepted', () => {
    const broken = breaking(api, 'FROM node:20.20.2-bookworm-slim AS runtime', `FROM node@sha256:${'a'.repeat(64)} AS runtime`);
    expect(names({ [API]: broken })).toEqual([]);
  });

  it('non-root USER: no USER line in the final stage', () => {
    const broken = breaking(api, /^USER 1000:1000\n/m, '');
    expect(failures({ [API]: broken })).toEqual([
      { check: `${API}: non-root USER in every final stage`, problems: [expect.stringMatching(/^stage "runtime" \(line \d+\) has no USER/)] },
    ]);
  });

  it.each(['root', '0', '0:0', 'root:node'])('non-root USER: USER %s', (user) => {
    const broken = breaking(repo.read(WORKER), /^USER 1000:1000$/m, `USER ${user}`);
    expect(names({ [WORKER]: broken })).toEqual([`${WORKER}: non-root USER in every final stage`]);
  });

  it('HEALTHCHECK: none in the final stage (and compose then finds the api without a health check)', () => {
    const broken = breaking(api, /^HEALTHCHECK [^\n]*\\\n[^\n]*\n/m, '');
    expect(names({ [API]: broken })).toEqual([
      `${API}: HEALTHCHECK in every final stage`,
      'docker/compose.yaml: every service has a health check (one-shots say disable: true)',
    ]);
  });

  it('HEALTHCHECK: NONE', () => {
    const broken = breaking(repo.read(WORKER), /^HEALTHCHECK [^\n]*\\\n[^\n]*\n/m, 'HEALTHCHECK NONE\n');
    expect(names({ [WORKER]: broken })).toContain(`${WORKER}: HEALTHCHECK in every final stage`);
  });

  it.each([
    ['CMD in shell form', /^CMD \["api"\]$/m, 'CMD api'],
    ['ENTRYPOINT in shell form', /^ENTRYPOINT .*$/m, 'ENTRYPOINT node /app/main.js'],
    ['a broken JSON array', /^CMD \["api"\]$/m, 'CMD ["api"'],
  ])('exec form: %s', (_, from, to) => {
    expect(failures({ [API]: breaking(api, from, to) })).toEqual([
      { check: `${API}: exec-form CMD/ENTRYPOINT in every final stage`, problems: [expect.stringContaining('is not in exec form')] },
    ]);
  });

  it('exec form: no command at all', () => {
    const broken = breaking(breaking(api, /^ENTRYPOINT .*\n/m, ''), /^CMD .*\n/m, '');
    expect(names({ [API]: broken })).toContain(`${API}: exec-form CMD/ENTRYPOINT in every final stage`);
  });

  it('COPY sources: a file that is not in the repository', () => {
    const broken = breaking(api, 'COPY docker/bundle.mjs docker/', 'COPY docker/bundle.js docker/');
    expect(failures({ [API]: broken })).toEqual([
      {
        check: `${API}: COPY sources exist and are in the build context`,
        problems: [expect.stringMatching(/^line \d+: COPY docker\/bundle.js: no such file or directory in the repository$/)],
      },
    ]);
  });

  it('COPY sources: a file .dockerignore leaves out of the context', () => {
    const broken = breaking(api, 'COPY docker/bundle.mjs docker/', 'COPY docker/build.sh docker/');
    expect(failures({ [API]: broken })).toEqual([
      {
        check: `${API}: COPY sources exist and are in the build context`,
        problems: [expect.stringMatching(/^line \d+: COPY docker\/build.sh is left out of the build context by .dockerignore$/)],
      },
    ]);
  });

  it('COPY sources: a --from naming no stage', () => {
    const broken = breaking(api, '--from=build', '--from=builder');
    const copy = failures({ [API]: broken }).find((f) => f.check === `${API}: COPY sources exist and are in the build context`);
    expect(copy?.problems).toEqual([expect.stringMatching(/^line \d+: COPY --from=builder names no earlier stage$/)]);
  });

  it('workspace manifests: npm ci without one of them', () => {
    const broken = breaking(api, 'COPY libs/domain/package.json libs/domain/\n', '');
    expect(failures({ [API]: broken })).toEqual([
      {
        check: `${API}: npm ci gets every workspace manifest`,
        problems: [expect.stringMatching(/^line \d+: npm ci runs without libs\/domain\/package.json \(COPY them before it\)$/)],
      },
    ]);
  });

  it('runtime stage: a package install, or node_modules copied in', () => {
    const install = breaking(api, 'WORKDIR /app\n', 'WORKDIR /app\nRUN npm install --omit=dev\n');
    expect(names({ [API]: install })).toEqual([`${API}: final stages install no packages and copy no node_modules`]);
    const copied = breaking(api, 'WORKDIR /app\n', 'WORKDIR /app\nCOPY --from=build /src/node_modules ./node_modules\n');
    expect(names({ [API]: copied })).toEqual([`${API}: final stages install no packages and copy no node_modules`]);
  });

  it('contracts: not copied, or IVM_CONTRACTS_DIR elsewhere (compose then sees the mismatch too)', () => {
    const notCopied = breaking(api, 'COPY contracts ./contracts\n', '');
    expect(names({ [API]: notCopied })).toEqual([`${API}: contracts in the image, where IVM_CONTRACTS_DIR says`]);
    const elsewhere = breaking(api, 'IVM_CONTRACTS_DIR=/app/contracts', 'IVM_CONTRACTS_DIR=/srv/contracts');
    expect(failures({ [API]: elsewhere })).toEqual([
      {
        check: `${API}: contracts in the image, where IVM_CONTRACTS_DIR says`,
        problems: ['IVM_CONTRACTS_DIR=/srv/contracts, but the contracts are at /app/contracts'],
      },
      {
        check: 'docker/compose.yaml: api, worker and bootstrap settings: what the apps require, and valid',
        problems: [
          'bootstrap: IVM_CONTRACTS_DIR=/srv/contracts, but the image has its contracts at /app/contracts',
          'api: IVM_CONTRACTS_DIR=/srv/contracts, but the image has its contracts at /app/contracts',
        ],
      },
    ]);
  });

  it('.dockerignore: one that lets node_modules, .git and data into the context', () => {
    const loose = { ...repo, dockerIgnore: parseDockerIgnore('*.md\n') };
    const failing = failed(checkRepo(loose)).map((c) => `${c.subject}: ${c.rule}`);
    expect(failing).toEqual(['.dockerignore: leaves node_modules, .git, data and build output out of the context']);
  });

  it('every final stage is held to the rules, not only the last one', () => {
    const model = parseDockerfile(
      'x.Dockerfile',
      'FROM node:20.20.2-bookworm-slim AS a\nUSER node\nCMD ["node"]\nFROM node:20.20.2-bookworm-slim AS b\nUSER node\nCMD ["node"]\n',
    );
    expect(model.finalStages.map((s) => s.name)).toEqual(['a', 'b']);
    const healthcheck = checkDockerfile(model, repo).find((c) => c.rule === 'HEALTHCHECK in every final stage');
    expect(healthcheck?.problems).toEqual(['stage "a" (line 1) has no HEALTHCHECK', 'stage "b" (line 4) has no HEALTHCHECK']);
  });
});
