import { copyFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { buildConfigProblems } from './build-config';
import { type Entry, publishedEntries } from './entries';
import { scanImports } from './imports';
import { builtManifest } from './manifest';
import { PUBLISHABLE_LIBS } from './publishable';
import { run } from './run';
import { type Lib, PACKAGES_DIR, readLib, readRootManifest, ROOT } from './workspace';

/** A package built into dist/packages. */
export interface BuiltPackage {
  readonly lib: Lib;
  readonly name: string;
  readonly version: string;
  /** The package directory (what npm pack packs). */
  readonly dir: string;
  readonly entries: readonly Entry[];
  readonly manifest: Record<string, unknown>;
}

/** Progress lines go here. */
export type Log = (line: string) => void;

/**
 * Builds every publishable lib into dist/packages/<folder>: a clean `tsc -b` of their
 * tsconfig.build.json files, then per package a generated package.json and the lib's README.
 */
export async function buildPackages(log: Log = console.log): Promise<BuiltPackage[]> {
  const libs = PUBLISHABLE_LIBS.map(readLib);
  const byName = new Map(libs.map((lib) => [lib.manifest.name, lib]));
  const problems = libs.flatMap((lib) => buildConfigProblems(lib, byName));
  if (problems.length > 0) throw new Error(`build configuration:\n  ${problems.join('\n  ')}`);
  const entries = new Map(libs.map((lib) => [lib, publishedEntries(lib.manifest, lib.dir)]));

  // Clean: tsc never deletes the output of a source file that is gone, and a stale file would be packed.
  await rm(PACKAGES_DIR, { recursive: true, force: true });
  log(`tsc -b: ${libs.length} projects → ${relative(ROOT, PACKAGES_DIR)}/`);
  const tsc = require.resolve('typescript/bin/tsc');
  await run('tsc -b', process.execPath, [tsc, '-b', ...libs.map((lib) => join(lib.dir, 'tsconfig.build.json'))], { cwd: ROOT });

  const root = readRootManifest();
  const versions = new Map(libs.map((lib) => [lib.manifest.name, lib.manifest.version]));
  const built: BuiltPackage[] = [];
  for (const lib of libs) {
    const libEntries = entries.get(lib) as Entry[];
    const imports = await scanImports(join(lib.outDir, 'dist'));
    const manifest = builtManifest({ lib, root, entries: libEntries, imports, versions, lacksOwnTypes: (name) => lacksOwnTypes(name, lib.root) });
    const missing = libEntries.flatMap((entry) => [entry.js, entry.dts]).filter((file) => !existsSync(join(lib.outDir, file)));
    if (missing.length > 0) throw new Error(`${lib.manifest.name}: tsc emitted no ${missing.join(', ')}`);
    await writeFile(join(lib.outDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    if (existsSync(join(lib.root, 'README.md'))) await copyFile(join(lib.root, 'README.md'), join(lib.outDir, 'README.md'));
    const deps = Object.keys(manifest['dependencies'] as object);
    log(
      `built ${lib.manifest.name}@${lib.manifest.version} → ${relative(ROOT, lib.outDir)} (entries ${libEntries.map((e) => e.subpath).join(', ')}; dependencies ${deps.join(', ') || 'none'})`,
    );
    built.push({ lib, name: lib.manifest.name, version: lib.manifest.version, dir: lib.outDir, entries: libEntries, manifest });
  }
  return built;
}

/** Whether the package `name`, as TypeScript resolves it for the lib at `from`, gets its types from an `@types/…` package. */
function lacksOwnTypes(name: string, from: string): boolean {
  const options = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext };
  const resolved = ts.resolveModuleName(name, join(from, 'src', 'index.ts'), options, ts.sys).resolvedModule;
  if (resolved === undefined) throw new Error(`TypeScript cannot resolve '${name}' from ${from}: no types to publish with it`);
  return resolved.resolvedFileName.includes('/node_modules/@types/');
}
