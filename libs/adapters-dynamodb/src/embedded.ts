// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- dynalite ships no types; this makes ours visible to every project that compiles this file
/// <reference path="./dynalite.d.ts" />
import { type AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export interface EmbeddedDynamo {
  /** `http://127.0.0.1:{port}` — pass as DynamoConfig.endpoint. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * dynalite in this process on 127.0.0.1 (an ephemeral port unless `port`), in memory unless
 * `path` names a LevelDB directory. Tables become ACTIVE at once (no simulated CREATING delay).
 */
export async function startDynalite(options: { readonly path?: string; readonly port?: number } = {}): Promise<EmbeddedDynamo> {
  const server = dynalite({ ...(options.path === undefined ? {} : { path: options.path }), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Keep-alive sockets of clients that were not destroyed would otherwise hold the close open.
        server.closeIdleConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
