import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApi } from './http-harness';
import { testApiHandle, useTestApi } from './use-test-api';

/** Far below jest's 60 s timeout: a broken contracts directory must be reported, not waited out. */
const FAST_MS = 5_000;

let brokenDir: string;
beforeAll(async () => {
  brokenDir = await mkdtemp(join(tmpdir(), 'ivm-broken-contracts-'));
  await writeFile(join(brokenDir, 'brand.yaml'), 'kind: EntitySchema\nid: brand\nversion: nope\n');
});
afterAll(async () => rm(brokenDir, { recursive: true, force: true }));

async function elapsed(step: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await step();
  return performance.now() - started;
}

describe('a contracts directory that does not load fails the API tests fast, with the loader’s message', () => {
  it('startTestApi rejects for a missing directory', async () => {
    const missing = join(brokenDir, 'missing');
    const ms = await elapsed(() => expect(startTestApi({ contractsDir: missing })).rejects.toThrow(`the contracts in ${missing} do not load: ENOENT`));
    expect(ms).toBeLessThan(FAST_MS);
  });

  it('startTestApi rejects for an invalid contract set, listing its problems', async () => {
    const ms = await elapsed(() =>
      expect(startTestApi({ contractsDir: brokenDir })).rejects.toThrow(/The contract set is invalid \(\d+ problems\):\n {2}- brand\.yaml#\/entityType: /),
    );
    expect(ms).toBeLessThan(FAST_MS);
  });

  it('tests using the API of a failed start get that message, not a TypeError on undefined', async () => {
    const handle = testApiHandle();
    await expect(handle.start({ contractsDir: brokenDir })).rejects.toThrow('The contract set is invalid');
    expect(() => handle.api.request).toThrow(/^The test API did not start: Test API: the contracts in .* do not load: The contract set is invalid/);
    await handle.close();
  });
});

describe('useTestApi', () => {
  const api = useTestApi();

  it('stands for the running API inside tests', async () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await api.request('GET', '/healthz', { key: null })).status).toBe(200);
  });

  it('refuses to be used when no API runs', async () => {
    const handle = testApiHandle();
    expect(() => handle.api.url).toThrow('The test API is not running');
    await handle.start();
    expect((await handle.api.request('GET', '/healthz', { key: null })).status).toBe(200);
    await handle.close();
    expect(() => handle.api.url).toThrow('The test API is not running');
  });
});
