import { startTestServer, TEST_SERVER_URL_VARIABLE } from './test-server';

/** One embedded server for the whole jest run (unless DATABASE_URL names one); test files make their own databases on it. */
export default async function globalSetup(): Promise<void> {
  if (process.env['DATABASE_URL']) return;
  const server = await startTestServer();
  // Workers start after this and inherit the variable; globalThis is shared with the teardown only.
  process.env[TEST_SERVER_URL_VARIABLE] = server.connectionString;
  (globalThis as { ivmTestPostgres?: { stop(): Promise<void> } }).ivmTestPostgres = server;
}
