import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './repo';

/*
 * docker/build.sh computes the image tag before it builds anything: <version>-<short sha>, with
 * -dirty for a work tree that is not the commit, and never latest. `--print-tag` prints it
 * without Docker, in a throw-away git repository holding the script and a package.json.
 */

const gitAvailable = spawnSync('git', ['--version']).status === 0;

(gitAvailable ? describe : describe.skip)('docker/build.sh --print-tag', () => {
  let dir: string;
  const git = (...args: string[]) => {
    const result = spawnSync('git', ['-c', 'user.name=ci', '-c', 'user.email=ci@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
      cwd: dir,
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
    return result.stdout.trim();
  };
  const printTag = () => spawnSync('bash', ['docker/build.sh', '--print-tag'], { cwd: dir, encoding: 'utf8' });
  const version = (v: string) => writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', version: v }));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ivm-build-sh-'));
    mkdirSync(join(dir, 'docker'));
    copyFileSync(join(REPO_ROOT, 'docker/build.sh'), join(dir, 'docker/build.sh'));
    version('1.2.3');
    git('init', '-q');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('tags <version>-<short sha> on a clean commit, and appends -dirty to anything else', () => {
    git('add', '-A');
    git('commit', '-qm', 'one');
    const sha = git('rev-parse', '--short', 'HEAD');
    expect(printTag()).toMatchObject({ status: 0, stdout: `1.2.3-${sha}\n` });
    writeFileSync(join(dir, 'untracked.txt'), 'x');
    expect(printTag()).toMatchObject({ status: 0, stdout: `1.2.3-${sha}-dirty\n` });
  });

  it('refuses a version that is not semantic, and a checkout without a commit', () => {
    expect(printTag()).toMatchObject({ status: 1, stderr: expect.stringContaining('not a git checkout with a commit') });
    version('latest');
    git('add', '-A');
    git('commit', '-qm', 'one');
    expect(printTag()).toMatchObject({ status: 1, stderr: expect.stringContaining("package.json version 'latest' is not a semantic version") });
  });
});
