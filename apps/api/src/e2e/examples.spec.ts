import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOpenSearchTestServer, type OpenSearchTestServer } from '@ivm/adapters-opensearch/testing';
import { startWebhookReceiver, type WebhookReceiver } from '@ivm/adapters-webhook/testing';
import { freePort, ROOT, TSX, waitForOutput } from './process-helpers';

/*
 * examples/ run as a user runs them: each its own process (tsx), against `npm start` (a real
 * process on embedded engines with its in-process worker), with OpenSearch (the test server) and
 * the personalize webhook (a receiver) configured. Each must exit 0 and print what its comments say.
 */

/** Example file → fragments its output must hold, in order. */
const EXAMPLES: readonly (readonly [string, readonly string[]])[] = [
  [
    'ingest.ts',
    [
      'stored: ["brand#EXB@1","category#EXC@1","product#EX-1@1","product#EX-2@1"]',
      'compiled: "DONE"',
      'view: {"name":"Night Serum","brand":"Example Brand","price":32000,"size":"30ml"}',
      'refused: "VERSION_CONFLICT (409)"',
    ],
  ],
  ['deploy-now.ts', ['answered: "READY"', 'finished: "DONE"', 'transitions: ["QUEUED","RUNNING","READY","SINKING","DONE"]']],
  ['deploy-now-and-ship-now.ts', ['answered: "DONE"']],
  ['deploy-queued.ts', ['answered: "QUEUED"', 'finished: "DONE"', 'view: "After"']],
  [
    'deploy-axes.ts',
    [
      'compile.sync: "DONE"',
      'compile.sync ship.sync cutover.done: "DONE"',
      'compile.sync ship.async: "READY"',
      'compile.async ship.async cutover.done: "QUEUED"',
      'wait sync/async: "DONE"',
      'wait async/async: "DONE"',
      'same job: true',
    ],
  ],
  ['api-md.ts', [' READY\n', 'QUEUED DONE', '17000 Acme']],
];

function run(file: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((done, fail) =>
    execFile(TSX, [join('examples', file)], { cwd: ROOT, env, timeout: 90_000 }, (error, stdout, stderr) =>
      error ? fail(new Error(`examples/${file} failed: ${error.message}\n${stdout}\n${stderr}`)) : done(stdout),
    ),
  );
}

describe('examples/ against npm start', () => {
  let receiver: WebhookReceiver;
  let opensearch: OpenSearchTestServer;
  let api: ChildProcess;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    opensearch = await startOpenSearchTestServer();
    dataDir = await mkdtemp(join(tmpdir(), 'ivm-examples-'));
    // mkdtemp makes it 0700: run as root, the embedded PostgreSQL's own user must be able to reach its directory inside.
    await chmod(dataDir, 0o755);
    const port = await freePort();
    const serverEnv: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      IVM_DATA_DIR: dataDir,
      PERSONALIZE_WEBHOOK_URL: receiver.url,
      OPENSEARCH_URL: opensearch.url,
      LOG_LEVEL: 'info',
    };
    for (const name of ['IVM_API_KEYS', 'IVM_ADMIN_KEYS', 'DYNAMODB_ENDPOINT', 'DATABASE_URL']) delete serverEnv[name];
    api = spawn(TSX, ['apps/api/src/main.ts', 'start'], { cwd: ROOT, env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    await waitForOutput(api, 'IVM API listening', 90_000);
    env = { ...process.env, IVM_BASE_URL: `http://127.0.0.1:${port}`, IVM_API_KEY: 'dev-key', IVM_TENANT: 'demo' };
  }, 120_000);

  afterAll(async () => {
    if (api.exitCode === null) {
      const exited = new Promise((done) => api.once('exit', done));
      api.kill('SIGTERM');
      await exited;
    }
    await Promise.all([receiver.close(), opensearch.close()]);
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it.each(EXAMPLES)(
    '%s runs and prints what it says',
    async (file, fragments) => {
      const output = await run(file, env);
      let from = 0;
      for (const fragment of fragments) {
        const at = output.indexOf(fragment, from);
        expect({ fragment, output: at < 0 ? output : 'found' }).toEqual({ fragment, output: 'found' });
        from = at + fragment.length;
      }
    },
    120_000,
  );

  it('the shipped documents reached both sinks', () => {
    expect(receiver.held('demo', 'demo:EX-5')?.document).toMatchObject({ brand_name: 'After' });
    const indexed = opensearch.inspect.documents('products').find((d) => d._id === 'demo:EX-3');
    expect(indexed?._source).toMatchObject({ sku: 'EX-3', brand_name: 'Example Brand' });
    expect(opensearch.inspect.unsupported).toEqual([]);
  });

  it('in-process.ts runs with no server at all', async () => {
    const output = await run('in-process.ts', { ...process.env });
    expect(output).toContain('view: Acme\nrename: DONE\nview: Acme Corp');
  });
});
