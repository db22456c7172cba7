import { tableNames } from '@ivm/adapters-dynamodb';
import pino from 'pino';
import { brandDoc, productDoc, rawPath, TENANT } from './testing/http-harness';
import { useTestApi } from './testing/use-test-api';

// What the server logs: the store's real error must be there (for operators), and only there.
const logLines: string[] = [];
const api = useTestApi({ logger: pino({ level: 'error' }, { write: (line: string) => void logLines.push(line) }) });

interface LoggedError {
  msg: string;
  err?: { type: string; message: string };
}

describe('a store that fails under a running API', () => {
  it('answers 503 STORE_UNAVAILABLE with a generic message: no table, prefix, DynamoDB or SDK message reaches the caller', async () => {
    expect((await api.request('PUT', rawPath('brand', 'D1', 1), { body: brandDoc('D1', 'Acme') })).status).toBe(201);
    await api.stopStore();

    const answers = await Promise.all([
      api.request('PUT', rawPath('brand', 'D1', 2), { body: brandDoc('D1', 'Acme 2') }),
      api.request('GET', rawPath('brand', 'D1', 'latest')),
      api.request('POST', `/v1/tenants/${TENANT}/slicing`, { body: { entityType: 'brand', entityId: 'D1', version: 1, mode: 'FULL' } }),
      api.request('GET', `/v1/tenants/${TENANT}/views/product-detail/P1`),
      api.request('PUT', rawPath('product', 'P1', 1), { body: productDoc('P1', 'D1') }),
    ]);
    const forbidden = [api.tablePrefix, ...Object.values(tableNames(api.tablePrefix)), 'DynamoDB', 'ECONNREFUSED', '127.0.0.1'];
    for (const answer of answers) {
      expect({ status: answer.status, body: answer.body }).toEqual({
        status: 503,
        body: { error: { code: 'STORE_UNAVAILABLE', message: 'The store is unavailable; retry later', details: [] } },
      });
      for (const text of forbidden) expect(answer.text).not.toContain(text);
    }

    // The real errors were logged, so the generic answers above hid something worth hiding.
    const sdkMessages = logLines.map((line) => JSON.parse(line) as LoggedError).flatMap((entry) => (entry.err ? [entry.err.message] : []));
    expect(sdkMessages).toHaveLength(answers.length);
    for (const message of sdkMessages) expect(message).toMatch(/^DynamoDB \w+ failed: .*ECONNREFUSED/);
    for (const message of sdkMessages) for (const answer of answers) expect(answer.text).not.toContain(message);
  });
});
