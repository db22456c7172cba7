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
