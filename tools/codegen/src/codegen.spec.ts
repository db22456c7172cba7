import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { registryFromSources, sampleContractSources, sampleSourcesWith } from '@ivm/domain/testing';
import { CodegenNameError, generateCatalog } from './generate';

const ROOT = path.resolve(__dirname, '../../..');
const CONTRACTS = path.join(ROOT, 'contracts');
const GENERATED = path.join(ROOT, 'libs/sdk/src/generated/catalog.ts');
const OPTIONS = { sdkImport: '../core', contractsLabel: 'contracts/' };

/** The declaration `export interface <name> {…}` of a generated text (up to the next top-level declaration). */
function declaration(text: string, name: string): string {
  const start = text.indexOf(`export interface ${name} {`);
  if (start < 0) return '';
  const end = text.indexOf('\nexport ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

/** The CLI as CI runs it (prettier, which formats the output, loads its parsers with import(): run as a process, not under jest's VM). */
async function codegen(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(path.join(ROOT, 'node_modules/.bin/tsx'), ['tools/codegen/src/cli.ts', ...args], { cwd: ROOT }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

describe('codegen', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ivm-codegen-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('the committed SDK is what contracts/ generate (npm run codegen -- --check)', async () => {
    const result = await codegen('--contracts', CONTRACTS, '--out', GENERATED, '--check');
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('is in sync with') });
  });

  it('is idempotent: a second run writes nothing, and the bytes are the same', async () => {
    const out = path.join(dir, 'catalog.ts');
    expect((await codegen('--out', out, '--sdk-import', '@ivm/sdk')).stdout).toContain('codegen: wrote');
    const first = await readFile(out, 'utf8');
    expect((await codegen('--out', out, '--sdk-import', '@ivm/sdk')).stdout).toContain('is up to date');
    expect(await readFile(out, 'utf8')).toBe(first);
    expect(first).toContain("from '@ivm/sdk';");
  });

  it('types entity inputs from the schemas: required and optional, integers, enums, string maps', async () => {
    const text = await generateCatalog(registryFromSources(sampleContractSources()), OPTIONS);
    const product = declaration(text, 'Product');
    // Before prettier: no semicolons, unions in parentheses.
    expect(product).toMatch(/\bsku: string\n/);
    expect(product).toMatch(/\bprice: number\n/);
    expect(product).toMatch(/\bstatus: \("ACTIVE" \| "INACTIVE" \| "DISCONTINUED"\)\n/);
    expect(product).toMatch(/\battributes\?: \{\s*\[k: string\]: string\s*\}/);
    expect(product).not.toMatch(/\[k: string\]: unknown/);
    const view = declaration(text, 'ProductDetailView');
    expect(view).toMatch(/\bprice: number\n/);
    expect(view).toMatch(/\bbrand_name\?: string\n/);
    expect(text).toMatch(/opensearchProducts\(\): Sinks;/);
    expect(text).toMatch(/personalize\(\): Sinks;/);
    expect(text).toMatch(/readonly productDetail: ViewClient<ProductDetailView>;/);
  });

  it('follows the contracts: a new optional field, enum value and sink appear', async () => {
    let sources = sampleSourcesWith('schemas/brand.yaml', (t) =>
      t.replace(
        '    name: { type: string, minLength: 1, maxLength: 512 }',
        '    name: { type: string, minLength: 1, maxLength: 512 }\n    country: { type: string }',
      ),
    );
    sources = [
      ...sources,
      {
        path: 'sinks/search-feed.yaml',
        text: 'kind: Sink\nid: search-feed\nversion: 1.0.0\ntype: webhook\nsource: { view: product-detail }\ntarget: { url: { env: SEARCH_FEED_URL } }\ndocId: "{entityId}"\n',
      },
    ];
    const text = await generateCatalog(registryFromSources(sources), OPTIONS);
    expect(declaration(text, 'Brand')).toMatch(/\bcountry\?: string\n/);
    expect(text).toMatch(/searchFeed\(\): Sinks;/);
    expect(text).toContain('"searchFeed":"search-feed"');
  });

  it('refuses names that clash, naming both contracts', async () => {
    const sources = [
      ...sampleContractSources(),
      {
        path: 'sinks/personalize-2.yaml',
        text: 'kind: Sink\nid: personalize_\nversion: 1.0.0\ntype: webhook\nsource: { view: product-detail }\ntarget: { url: { env: X_URL } }\ndocId: "{entityId}"\n',
      },
    ];
    const attempt = generateCatalog(registryFromSources(sources), OPTIONS);
    await expect(attempt).rejects.toBeInstanceOf(CodegenNameError);
    await expect(attempt).rejects.toThrow(
      /Sink personalize and Sink personalize_ both become "personalize"|Sink personalize_ and Sink personalize both become "personalize"/,
    );
  });

  it('--check fails with a clear message when the file is stale, and writes nothing', async () => {
    const contracts = path.join(dir, 'contracts');
    await cp(CONTRACTS, contracts, { recursive: true });
    const out = path.join(dir, 'catalog.ts');
    expect((await codegen('--contracts', contracts, '--out', out)).code).toBe(0);
    const schema = path.join(contracts, 'schemas/category.yaml');
    await writeFile(schema, (await readFile(schema, 'utf8')).replace('    parent_id:', '    slug: { type: string }\n    parent_id:'));
    const before = await readFile(out, 'utf8');

    const run = promisify(execFile)(path.join(ROOT, 'node_modules/.bin/tsx'), ['tools/codegen/src/cli.ts', '--contracts', contracts, '--out', out, '--check'], {
      cwd: ROOT,
    });
    const failure = await run.then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('is out of date with');
    expect(failure?.stderr).toContain('run `npm run codegen`');
    expect(failure?.stderr).toMatch(/parent_(id|ref)/);
    expect(await readFile(out, 'utf8')).toBe(before);
  });
});
