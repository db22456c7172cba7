/**
 * The CI check of the installable packages: build and pack them, install the tarballs into a
 * project outside the repository, and use them there the way another service would — plain node
 * (CommonJS and ES modules) and tsc with module nodenext. The temporary directory is removed
 * afterwards unless IVM_KEEP_PACKAGES_TMP=1.
 */
import { realpathSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type BuiltPackage, buildPackages } from './build';
import {
  type Consumer,
  entrySpecifiers,
  installConsumer,
  makeWorkDir,
  readmeExampleModule,
  README_EXAMPLE_HEADING,
  README_SDK_HEADING,
  runNode,
} from './consumer';
import { scanImports } from './imports';
import { type PackedPackage, packPackages } from './pack';
import { run } from './run';
import { ROOT } from './workspace';

const lines: string[] = [];
const log = (line: string) => lines.push(line);
let work: string | undefined;
let built: BuiltPackage[];
let packed: PackedPackage[];
let consumer: Consumer;

/** Appended to the README's SDK-in-process block: it names `ivm` (and imports Ivm). */
const SDK_CHECKS = `import { IvmApiError } from '@ivm/sdk';
import { createServer } from 'node:http';
const product = { sku: 'ABC-123', name: 'Moisture Cream', brand_id: 'B1', category_ids: ['C1'], price: 19000, currency: 'KRW', status: 'ACTIVE' };
const job = await ivm.ingest().brand({ brand_id: 'B1', name: 'Acme' }, { version: 1 }).product(product, { version: 1 }).deploy((d) => d.compile.sync());
assert.equal(job.state, 'DONE');
assert.equal((await ivm.views.productDetail.get('ABC-123')).data.brand_name, 'Acme');
const rename = await ivm.ingest().brand({ brand_id: 'B1', name: 'Acme Corp' }, { version: 2 }).deploy((d) => d.compile.async());
assert.equal(rename.state, 'QUEUED');
assert.equal((await ivm.deploy.wait(rename.jobId, { timeoutMs: 10000 })).state, 'DONE');
assert.equal((await ivm.views.productDetail.get('ABC-123')).data.brand_name, 'Acme Corp');
const conflict = await ivm.ingest().brand({ brand_id: 'B1', name: 'Other' }, { version: 1 }).insert().catch((e) => e);
assert.ok(conflict instanceof IvmApiError);
assert.equal(conflict.code, 'VERSION_CONFLICT');
await ivm.close();
// Over HTTP, against a server answering as the API does.
const server = createServer((request, response) => {
  response.writeHead(422, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ error: { code: 'SCHEMA_VIOLATION', message: 'invalid', details: [{ path: '/price', message: 'must be >= 0' }] } }));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const remote = Ivm.client({ baseUrl: 'http://127.0.0.1:' + server.address().port, apiKey: 'k', tenant: 'demo' });
const refused = await remote.ingest().product(product, { version: 1 }).deployNow((s) => s.personalize()).catch((e) => e);
server.close();
assert.ok(refused instanceof IvmApiError);
assert.deepEqual([refused.code, refused.status, refused.details], ['SCHEMA_VIOLATION', 422, [{ path: '/price', message: 'must be >= 0' }]]);
console.log('SDK ok');`;

/** Type checks a consumer relies on: the generated input and view types, and the forbidden deploy. */
const SDK_TYPED_CHECKS = `const page = await ivm.views.productDetail.get('ABC-123');
const price: number = page.data.price;
// @ts-expect-error a brand needs its name
ivm.ingest().brand({ brand_id: 'B1' }, { version: 1 });
// @ts-expect-error nothing ships in the request before a worker has compiled
void ivm.ingest().brand({ brand_id: 'B1', name: 'Acme' }, { version: 1 }).deploy((d) => d.compile.async().ship.sync((s) => s.personalize()));
export { price };`;

beforeAll(async () => {
  const started = performance.now();
  work = await makeWorkDir();
  built = await buildPackages(log);
  packed = await packPackages(built, join(work, 'tarballs'), log);
  consumer = await installConsumer(work, packed);
  log(`built, packed and installed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(lines.join('\n'));
}, 300_000);

afterAll(async () => {
  if (work === undefined) return;
  if (process.env['IVM_KEEP_PACKAGES_TMP'] === '1') console.log(`kept ${work}`);
  else await rm(work, { recursive: true, force: true });
});

describe('the built package.json files', () => {
  it('carry what a registry and a consumer need, exports with types first', () => {
    for (const pkg of built) {
      const manifest = pkg.manifest;
      expect(Object.keys(manifest)).toEqual(
        expect.arrayContaining(['name', 'version', 'description', 'license', 'main', 'types', 'exports', 'files', 'engines', 'dependencies']),
      );
      expect(manifest).not.toHaveProperty('private');
      expect(manifest['license']).toBe('UNLICENSED');
      const exports = manifest['exports'] as Record<string, unknown>;
      expect(exports['./package.json']).toBe('./package.json');
      for (const entry of pkg.entries) {
        const conditions = exports[entry.subpath] as Record<string, string>;
        expect(Object.keys(conditions)[0]).toBe('types');
        expect(conditions).toEqual({ types: entry.dts, require: entry.js, default: entry.js });
      }
    }
  });

  it('declare every package their built JavaScript and declarations import, pinned internal ones to their version', async () => {
    const versions = new Map(built.map((pkg) => [pkg.name, pkg.version]));
    for (const pkg of built) {
      const dependencies = pkg.manifest['dependencies'] as Record<string, string>;
      const scan = await scanImports(join(pkg.dir, 'dist'));
      const undeclared = [...scan.runtime.keys(), ...scan.types.keys()].filter((name) => !(name in dependencies));
      expect({ package: pkg.name, undeclared }).toEqual({ package: pkg.name, undeclared: [] });
      for (const [name, version] of Object.entries(dependencies)) if (name.startsWith('@ivm/')) expect(version).toBe(versions.get(name));
    }
  });
});

describe('the tarballs', () => {
  it('hold no spec files, testing/ helpers, TypeScript sources or build state', () => {
    for (const pkg of packed) {
      const offending = pkg.files.filter(
        (file) => /\.spec\.|(^|\/)testing\/|(^|\/)src\/|\.tsbuildinfo$/.test(file) || (file.endsWith('.ts') && !file.endsWith('.d.ts')),
      );
      expect({ package: pkg.name, offending }).toEqual({ package: pkg.name, offending: [] });
      expect(pkg.files).toEqual(expect.arrayContaining(['package.json', 'dist/index.js', 'dist/index.d.ts']));
    }
  });
});

describe('installed in a project outside the repository', () => {
  it('resolves every entry and its dependencies inside that project, not from the monorepo', async () => {
    const specifiers = entrySpecifiers(built);
    const dependencies = built.flatMap((pkg) =>
      Object.keys(pkg.manifest['dependencies'] as object)
        .filter((d) => !d.startsWith('@types/'))
        .map((d) => [pkg.name, d]),
    );
    const script = `const { dirname } = require('node:path');
const out = {};
for (const s of ${JSON.stringify(specifiers)}) out[s] = require.resolve(s);
for (const [from, dep] of ${JSON.stringify(dependencies)}) out[from + ' → ' + dep] = require.resolve(dep, { paths: [dirname(require.resolve(from))] });
console.log(JSON.stringify(out));`;
    const { stdout } = await runNode(consumer, 'require.resolve from the consumer', ['-e', script]);
    const resolved = JSON.parse(stdout) as Record<string, string>;
    const inside = realpathSync(consumer.dir);
    const outside = Object.entries(resolved).filter(([, path]) => !realpathSync(path).startsWith(`${inside}/node_modules/`));
    expect(outside).toEqual([]);
    expect(Object.keys(resolved)).toHaveLength(specifiers.length + dependencies.length);
  });

  it('loads with require() (CommonJS)', async () => {
    const script = `const assert = require('node:assert/strict');
const domain = require('@ivm/domain');
assert.equal(typeof domain.SlicingEngine, 'function');
assert.equal(typeof domain.createInMemoryStores, 'function');
assert.equal(require('@ivm/domain/package.json').name, '@ivm/domain');
for (const s of ${JSON.stringify(entrySpecifiers(built))}) assert.ok(Object.keys(require(s)).length > 1, s + ' exports nothing');
console.log('ok');`;
    await expect(runNode(consumer, 'require() smoke check', ['-e', script])).resolves.toMatchObject({ stdout: 'ok\n' });
  });

  it('gives ES modules every named export require() sees (Node reads the names from the CommonJS output)', async () => {
    await writeFile(
      join(consumer.dir, 'named-exports.mjs'),
      `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const missing = {};
for (const s of ${JSON.stringify(entrySpecifiers(built))}) {
  const esm = await import(s);
  const lost = Object.keys(require(s)).filter((name) => name !== '__esModule' && !(name in esm));
  if (lost.length > 0) missing[s] = lost;
}
console.log(JSON.stringify(missing));
`,
    );
    const { stdout } = await runNode(consumer, 'ESM named exports', ['named-exports.mjs']);
    expect(JSON.parse(stdout)).toEqual({});
  });

  it(`runs the README's "${README_EXAMPLE_HEADING.slice(3)}" example under plain node`, async () => {
    const { source, module } = readmeExampleModule(`assert.equal(view.data.brand_name, 'Acme');
assert.deepEqual(Object.keys(view.data).sort(), ['brand_id', 'brand_name', 'category_ids', 'currency', 'name', 'price', 'sku', 'status']);
assert.deepEqual(result.fanout, ['product#ABC-123']);
const renamed = await queryView(registry, stores, { tenantId: 'demo', viewId: 'product-detail', entityId: 'ABC-123' });
assert.equal(renamed.data.brand_name, 'Acme Corp');
console.log('README example ok');`);
    // The checks restate these comments; when the README changes them, change the checks.
    expect(source).toContain("// view.data → { sku, name, status, brand_id, brand_name: 'Acme', category_ids, price, currency }");
    expect(source).toContain("// result.fanout → ['product#ABC-123']; the product's view now says 'Acme Corp'");
    await writeFile(join(consumer.dir, 'readme-example.mjs'), module);
    await expect(runNode(consumer, 'the README example', ['readme-example.mjs'])).resolves.toMatchObject({ stdout: 'README example ok\n' });
  });

  it("runs the README's SDK client in process, and an SDK call over HTTP, under plain node", async () => {
    const { source, module } = readmeExampleModule(SDK_CHECKS, README_SDK_HEADING, 1);
    expect(source).toContain('Ivm.inProcess(');
    await writeFile(join(consumer.dir, 'sdk-example.mjs'), module);
    await expect(runNode(consumer, 'the SDK in process and over HTTP', ['sdk-example.mjs'])).resolves.toMatchObject({ stdout: 'SDK ok\n' });
  });

  it('type-checks a TypeScript consumer (module nodenext) against the declarations alone', async () => {
    const specifiers = entrySpecifiers(built);
    await writeFile(
      join(consumer.dir, 'entries.ts'),
      `${specifiers.map((s, i) => `import * as entry${i} from '${s}';`).join('\n')}\nexport const entries = [${specifiers.map((_, i) => `entry${i}`).join(', ')}];\n`,
    );
    const { source } = readmeExampleModule('');
    await writeFile(join(consumer.dir, 'readme-example.mts'), `${source}\nexport { result, view };\n`);
    // The SDK's generated types as a consumer sees them: the checks below use them (price: number, …).
    await writeFile(join(consumer.dir, 'sdk-example.mts'), `${readmeExampleModule('', README_SDK_HEADING, 1).source}\n${SDK_TYPED_CHECKS}\n`);
    const compilerOptions = {
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: ['node'],
    };
    await writeFile(join(consumer.dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['entries.ts', 'readme-example.mts', 'sdk-example.mts'] }));
    const tsc = require.resolve('typescript/bin/tsc');
    await run('tsc --noEmit in the consumer', process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: consumer.dir });
    const { stdout } = await run('tsc --listFilesOnly in the consumer', process.execPath, [tsc, '-p', 'tsconfig.json', '--listFilesOnly'], {
      cwd: consumer.dir,
    });
    const fromRepository = stdout
      .split('\n')
      .filter((file) => file !== '' && !relative(ROOT, file).startsWith('..') && !file.includes('/node_modules/typescript/lib/'));
    expect(fromRepository).toEqual([]);
  });
});
