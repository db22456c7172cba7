import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root, where the processes under test start from. */
export const ROOT = resolve(__dirname, '../../../..');
/** The tsx binary `npm start`, `npm run api` and `npm run worker` run under. */
export const TSX = join(ROOT, 'node_modules/.bin/tsx');

/** A port nothing listens on right now, for a process that must be told its port up front. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** Resolves once the child prints `text` (stdout or stderr); fails with what it printed if it exits or takes longer. */
export function waitForOutput(child: ChildProcess, text: string, timeoutMs: number): Promise<void> {
  return new Promise((done, fail) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`the process did not print "${text}" within ${timeoutMs} ms:\n${seen}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`the process exited with ${code}:\n${seen}`)));
  });
}

/** `npm start` as a process on its own port and data directory, with the README's environment (dev key, embedded engines). */
export interface NpmStart {
  readonly process: ChildProcess;
  readonly port: number;
  readonly dataDir: string;
  /** SIGTERM, wait for the exit, remove the data directory. */
  stop(): Promise<void>;
}

/** Starts `npm start` (as `tsx apps/api/src/main.ts start`) with `env` added, and resolves once it listens. */
export async function startNpmStart(env: Readonly<Record<string, string>>): Promise<NpmStart> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ivm-npm-start-'));
  // mkdtemp makes it 0700: run as root, the embedded PostgreSQL's own user must be able to reach its directory inside.
  await chmod(dataDir, 0o755);
  const port = await freePort();
  const processEnv: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), IVM_DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  for (const name of ['IVM_API_KEYS', 'IVM_ADMIN_KEYS', 'DYNAMODB_ENDPOINT', 'DATABASE_URL', 'OPENSEARCH_URL', 'PERSONALIZE_WEBHOOK_URL'])
    delete processEnv[name];
  const child = spawn(TSX, ['apps/api/src/main.ts', 'start'], { cwd: ROOT, env: { ...processEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForOutput(child, 'IVM API listening', 90_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { process: child, port, dataDir, stop };
}
