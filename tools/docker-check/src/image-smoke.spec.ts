import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedDynamo, startDynalite } from '@ivm/adapters-dynamodb';
import { createTestDatabase, type TestDatabase } from '@ivm/adapters-postgres/testing';
import { imageFacts, type ImageFacts, parseDockerfile } from './dockerfile';
import { IMAGES } from './images';
import { repoAt } from './repo';
import { instrumentExpectations, readmeShBlock } from '@ivm/runtime/testing/readme-script';

/*
 * What the images run, without Docker: each app bundled by docker/bundle.mjs (as the build stage
 * does), laid out as the runtime stage lays it out (main.js and contracts under the WORKDIR, no
 * node_modules anywhere near), started with the Dockerfile's own ENV, ENTRYPOINT and CMD against
 * dynalite and an embedded PostgreSQL. The bootstrap command exits 0, the Dockerfiles' HEALTHCHECK
 * commands pass, the README's deploy ("Run on real services") works against them as written, and
 * SIGTERM stops both with 0.
 * What it cannot show: the base image, the user, the file permissions — that needs a Docker engine.
 */

const repo = repoAt();
const WORKDIR = '/app';

interface Image {
  readonly app: 'api' | 'worker';
  readonly facts: ImageFacts;
  /** The directory standing in for the image's WORKDIR. */
  readonly dir: string;
}

interface Proc {
  readonly child: ChildProcess;
  output: string;
}

function run(argv: readonly string[], image: Image, env: NodeJS.ProcessEnv): Proc {
  // The image's `node` is this Node; image paths under the WORKDIR are the stand-in directory.
  const [program, ...args] = argv.map((arg) => (arg.startsWith(`${WORKDIR}/`) ? join(image.dir, arg.slice(WORKDIR.length + 1)) : arg));
  if (program !== 'node') throw new Error(`the image runs ${String(program)}, not node`);
  const child = spawn(process.execPath, args, { cwd: image.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc: Proc = { child, output: '' };
  child.stdout?.on('data', (chunk: Buffer) => (proc.output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (proc.output += chunk.toString()));
  return proc;
}

const exitCode = (proc: Proc): Promise<number | null> =>
  proc.child.exitCode !== null ? Promise.resolve(proc.child.exitCode) : new Promise((done) => proc.child.once('exit', (code) => done(code)));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, procs: readonly Proc[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${procs.map((p) => p.output.slice(-3000)).join('\n---\n')}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

describe('the images’ commands, run from the bundles without Docker', () => {
  let root: string;
  let images: Image[];
  let dynamo: EmbeddedDynamo;
  let database: TestDatabase;
  const procs: Proc[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ivm-image-'));
    images = IMAGES.map((spec) => {
      const facts = imageFacts(parseDockerfile(spec.dockerfile, repo.read(spec.dockerfile)));
      return { app: spec.app, facts, dir: join(root, spec.app) };
    });
    const bundled = images.map((image) =>
      exitCode(run(['node', join(repo.root, 'docker/bundle.mjs'), image.app, join(image.dir, 'out')], { ...image, dir: repo.root }, process.env)),
    );
    [dynamo, database] = await Promise.all([startDynalite(), createTestDatabase()]);
    expect(await Promise.all(bundled)).toEqual([0, 0]);
    for (const image of images) {
      // The runtime stage: COPY --from=build /out/main.js ./main.js, COPY contracts ./contracts.
      cpSync(join(image.dir, 'out', 'main.js'), join(image.dir, 'main.js'));
      rmSync(join(image.dir, 'out'), { recursive: true });
      expect(image.facts.contractsDir).toBe(`${WORKDIR}/contracts`);
      cpSync(join(repo.root, 'contracts'), join(image.dir, 'contracts'), { recursive: true });
      expect(existsSync(join(image.dir, 'node_modules'))).toBe(false);
    }
  }, 180_000);

  afterAll(async () => {
    for (const proc of procs) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    await database?.drop();
    await dynamo?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('bootstrap, api and worker start from ENTRYPOINT/CMD, pass their HEALTHCHECK, run the README deploy, and stop on SIGTERM with 0', async () => {
    const [api, worker] = images as [Image, Image];
    const [apiPort, workerPort] = await Promise.all([freePort(), freePort()]);
    const shared = {
      PATH: process.env['PATH'] ?? '',
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      DATABASE_URL: database.connectionString,
      IVM_TABLE_PREFIX: `img${randomUUID().slice(0, 8)}_`,
      LOG_LEVEL: 'info',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    // The images' ENV, with the contracts where the stand-in has them, and loopback instead of 0.0.0.0 (tests listen on loopback only).
    const envOf = (image: Image, extra: Record<string, string>): NodeJS.ProcessEnv => ({
      ...image.facts.env,
      IVM_CONTRACTS_DIR: join(image.dir, 'contracts'),
      ...shared,
      ...extra,
    });
    const apiEnv = envOf(api, { HOST: '127.0.0.1', PORT: String(apiPort) });
    const workerEnv = envOf(worker, { WORKER_HOST: '127.0.0.1', WORKER_PORT: String(workerPort) });
    const entrypoint = (image: Image) => image.facts.entrypoint ?? [];

    // compose's bootstrap service: the api image with command ["bootstrap"].
    const bootstrap = run([...entrypoint(api), 'bootstrap'], api, apiEnv);
    expect({ code: await exitCode(bootstrap), output: bootstrap.output }).toEqual({ code: 0, output: expect.stringContaining('bootstrap complete') });

    procs.push(run([...entrypoint(api), ...(api.facts.cmd ?? [])], api, apiEnv), run([...entrypoint(worker), ...(worker.facts.cmd ?? [])], worker, workerEnv));
    const healthy = async (image: Image, env: NodeJS.ProcessEnv) => {
      const { healthcheck } = image.facts;
      if (!Array.isArray(healthcheck)) throw new Error(`${image.app}: no exec-form HEALTHCHECK`);
      return (await exitCode(run(healthcheck, image, env))) === 0;
    };
    await until('both HEALTHCHECK commands to pass', async () => (await healthy(api, apiEnv)) && (await healthy(worker, workerEnv)), 60_000, procs);

    // The README's deploy against them, as written but for the ports.
    const { script, expectations } = instrumentExpectations(readmeShBlock(repo.read('README.md'), '## Run on real services', 1));
    const runnable = script
      .replaceAll('http://localhost:3000', `http://127.0.0.1:${apiPort}`)
      .replaceAll('http://localhost:3001', `http://127.0.0.1:${workerPort}`)
      .replaceAll('/tmp/ivm-job', join(root, 'job.json'));
    const output = await new Promise<string>((done, fail) =>
      execFile('bash', ['-eu', '-o', 'pipefail', '-c', runnable], { timeout: 60_000 }, (error, stdout, stderr) =>
        error
          ? fail(new Error(`the README deploy failed: ${error.message}\n${stdout}\n${stderr}\n${procs.map((p) => p.output.slice(-2000)).join('\n---\n')}`))
          : done(stdout),
      ),
    );
    const segments = output.split(/^@@CHECK \d+$/m);
    expect(segments.length - 1).toBe(expectations.length);
    expectations.forEach((fragments, i) => {
      for (const fragment of fragments) expect({ step: i, output: segments[i] }).toEqual({ step: i, output: expect.stringContaining(fragment) });
    });

    for (const proc of procs) proc.child.kill('SIGTERM');
    expect(await Promise.all(procs.map(exitCode))).toEqual([0, 0]);
  }, 180_000);
});
