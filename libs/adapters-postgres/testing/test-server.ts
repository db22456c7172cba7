import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../src/embedded/embedded-server';

/** Where jest's global setup leaves the URL of the server it started for the run. */
export const TEST_SERVER_URL_VARIABLE = 'IVM_TEST_POSTGRES_URL';

/** Throw-away data: durability is off, so the tests spend their time in the adapter, not in fsync. */
export const TEST_SERVER_SETTINGS: Readonly<Record<string, string>> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_connections: '300',
};

export interface TestServer {
  /** A superuser connection string (databases are created through it). */
  readonly adminUrl: string;
  /** Stops the server when this helper started it for one file; a shared server is left running. */
  release(): Promise<void>;
}

/** A server started for one test file (jest gives each file its own module registry), shared by its databases. */
let own: { readonly started: ReturnType<typeof startTestServer>; users: number } | undefined;

/**
 * The server the tests use: DATABASE_URL when set (a real server, e.g. the test-against-server
 * script), else the embedded one jest's global setup started for the whole run, else an embedded
 * one started for this test file (a file run under a jest config without that global setup),
 * stopped when its last database is dropped.
 */
export async function testServer(): Promise<TestServer> {
  const shared = process.env['DATABASE_URL'] || process.env[TEST_SERVER_URL_VARIABLE];
  if (shared) return { adminUrl: shared, release: async () => undefined };
  const server = (own ??= { started: startTestServer(), users: 0 });
  server.users += 1;
  const { connectionString, stop } = await server.started;
  return {
    adminUrl: connectionString,
    release: async () => {
      server.users -= 1;
      if (server.users > 0) return;
      if (own === server) own = undefined;
      await stop();
    },
  };
}

/** An embedded server in a fresh temporary directory, deleted again by `stop`. */
export async function startTestServer(): Promise<{ readonly connectionString: string; stop(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ivm-pg-test-'));
  const server = await startEmbeddedPostgres({ dataDir, createPostgresUser: true, settings: TEST_SERVER_SETTINGS });
  return {
    connectionString: server.connectionString,
    stop: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
