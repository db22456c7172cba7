/**
 * The bench's DynamoDB engine: dynalite in a process of its own (forked by deploy-bench.ts with an
 * IPC channel), so its CPU is measured apart from the API and the workers, and every request it
 * serves, from any process, is counted by operation (the X-Amz-Target header). The options are
 * those of @ivm/adapters-dynamodb's startDynalite (the embedded engine of `npm start`); the server
 * itself is needed here, to count.
 *
 * argv[2]: a LevelDB directory, or nothing for in memory. It sends `{ type: 'ready', endpoint }`
 * once listening and answers `{ type: 'counts' }` with the counts since it started. SIGTERM or the
 * parent going away ends it (with exit 0, so a --cpu-prof profile is written).
 */
import { type AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import type { DynaliteMessage } from './protocol';

const path = process.argv[2];
const server = dynalite({ ...(path === undefined ? {} : { path }), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
const counts = new Map<string, number>();
server.on('request', (request: { headers: Record<string, string | string[] | undefined> }) => {
  const target = request.headers['x-amz-target'];
  const operation = typeof target === 'string' ? (target.split('.')[1] ?? target) : 'unknown';
  counts.set(operation, (counts.get(operation) ?? 0) + 1);
});

const send = (message: DynaliteMessage): void => {
  process.send?.(message);
};

process.on('message', (message: { type?: string }) => {
  if (message.type === 'counts') send({ type: 'counts', counts: Object.fromEntries(counts) });
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  send({ type: 'ready', endpoint: `http://127.0.0.1:${port}` });
});
