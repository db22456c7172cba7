import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(__dirname, '../../../..');
const ENTRY = resolve(__dirname, 'process-entry.ts');

/** A worker process started by a test. */
export interface SpawnedWorker {
  readonly child: ChildProcess;
  /** Its lease owner, once it has started. */
  readonly ready: Promise<string>;
  /** Its exit: code and signal. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  /** Its log lines (pino JSON) and stderr, for a failure message. */
  readonly output: string[];
}

/** Spawns `process-entry.ts` (the real worker process with a recording handler) with `env` over the test defaults. */
export function spawnWorker(env: Record<string, string>): SpawnedWorker {
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', DYNAMODB_ENDPOINT: 'http://127.0.0.1:9', WORKER_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  const ready = new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      if (line.includes('"worker started"')) done((JSON.parse(line) as { owner: string }).owner);
    });
    createInterface({ input: child.stderr }).on('line', (line) => output.push(line));
    void exited.then(({ code, signal }) => fail(new Error(`worker exited before it started (code ${code}, signal ${signal}):\n${output.join('\n')}`)));
  });
  // The test awaits `ready` when it needs it; an exit after start must not be reported as unhandled.
  ready.catch(() => undefined);
  return { child, ready, exited, output };
}
