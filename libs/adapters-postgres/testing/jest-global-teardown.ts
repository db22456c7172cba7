/** Stops the server the global setup started. */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { ivmTestPostgres?: { stop(): Promise<void> } }).ivmTestPostgres?.stop();
}
