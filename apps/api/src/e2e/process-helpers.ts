import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
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
