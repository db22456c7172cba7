import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { startOpenSearchTestServer, type OpenSearchTestServer } from '@ivm/adapters-opensearch/testing';
import { startWebhookReceiver, type WebhookReceiver } from '@ivm/adapters-webhook/testing';
import { type NpmStart, ROOT, startNpmStart, TSX } from './process-helpers';

/*
 * examples/ run as a user runs them: each its own process (tsx), against `npm start` (a real
 * process on embedded engines with its in-process worker), with OpenSearch (the test server) and
 * the personalize webhook (a receiver) configured. Each must exit 0 and print what its comments say.
 */

/** Example file → fragments its output must hold, in order. */
const EXAMPLES: readonly (readonly [string, readonly (string | RegExp)[]])[] = [
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
  // The status read right after deployQueued may already be the worker's (RUNNING, …).
  ['api-md.ts', [' READY\n', /^(QUEUED|RUNNING|READY|SINKING) DONE$/m, '17000 Acme']],
];

function matchOf(pattern: RegExp, text: string): { index: number; length: number } | undefined {
  const match = pattern.exec(text);
  return match === null ? undefined : { index: match.index, length: match[0].length };
}

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
  let api: NpmStart;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    opensearch = await startOpenSearchTestServer();
    api = await startNpmStart({ PERSONALIZE_WEBHOOK_URL: receiver.url, OPENSEARCH_URL: opensearch.url });
    env = { ...process.env, IVM_BASE_URL: `http://127.0.0.1:${api.port}`, IVM_API_KEY: 'dev-key', IVM_TENANT: 'demo' };
  }, 120_000);

  afterAll(async () => {
    await api.stop();
    await Promise.all([receiver.close(), opensearch.close()]);
  }, 60_000);

  it.each(EXAMPLES)(
    '%s runs and prints what it says',
    async (file, fragments) => {
      const output = await run(file, env);
      let from = 0;
      for (const fragment of fragments) {
        const rest = output.slice(from);
        const match =
          typeof fragment === 'string'
            ? rest.includes(fragment)
              ? { index: rest.indexOf(fragment), length: fragment.length }
              : undefined
            : matchOf(fragment, rest);
        expect({ fragment: String(fragment), output: match === undefined ? output : 'found' }).toEqual({ fragment: String(fragment), output: 'found' });
        from += (match?.index ?? 0) + (match?.length ?? 0);
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
