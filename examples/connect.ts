import { Ivm } from '@ivm/sdk';

/** The API `npm start` runs, as the examples reach it (override with IVM_BASE_URL, IVM_API_KEY, IVM_TENANT). */
export function connect() {
  return Ivm.client({
    baseUrl: process.env['IVM_BASE_URL'] ?? 'http://127.0.0.1:3000',
    apiKey: process.env['IVM_API_KEY'] ?? 'dev-key',
    tenant: process.env['IVM_TENANT'] ?? 'demo',
  });
}

/** Prints one step of an example. */
export function show(step: string, value: unknown): void {
  console.log(`${step}: ${JSON.stringify(value)}`);
}
