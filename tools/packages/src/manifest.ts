import { type Entry } from './entries';
import { type ImportScan } from './imports';
import { type Lib, type SourceManifest } from './workspace';

/** What the built package.json is made of. */
export interface ManifestInput {
  readonly lib: Lib;
  readonly root: SourceManifest;
  readonly entries: readonly Entry[];
  readonly imports: ImportScan;
  /** Version of every publishable package, by name: internal dependencies are pinned to it. */
  readonly versions: ReadonlyMap<string, string>;
  /** Whether a package imported by the declaration files ships no types of its own (so `@types/…` must come along). */
  readonly lacksOwnTypes: (name: string) => boolean;
}

/**
 * The package.json of a built package. Its dependencies are the lib's own `dependencies`, checked
 * against what the built files import: an import not declared, or a dependency nothing imports,
 * is an error listing every such problem.
 */
export function builtManifest(input: ManifestInput): Record<string, unknown> {
  const { lib, root, entries } = input;
  const main = entries.find((entry) => entry.subpath === '.') as Entry;
  return {
    name: lib.manifest.name,
    version: lib.manifest.version,
    description: required(lib, 'description'),
    license: lib.manifest.license ?? root.license,
    type: 'commonjs',
    main: main.js,
    types: main.dts,
    exports: {
      ...Object.fromEntries(entries.map((entry) => [entry.subpath, { types: entry.dts, require: entry.js, default: entry.js }])),
      './package.json': './package.json',
    },
    files: ['dist'],
    engines: lib.manifest.engines ?? root.engines,
    // A lib that runs code at import time says so in its own package.json; ours only declare.
    sideEffects: lib.manifest.sideEffects ?? false,
    dependencies: dependencies(input),
  };
}

function required(lib: Lib, field: 'description'): string {
  const value = lib.manifest[field];
  if (value === undefined || value === '') throw new Error(`${lib.dir}/package.json: "${field}" is missing`);
  return value;
}

function dependencies({ lib, imports, versions, lacksOwnTypes }: ManifestInput): Record<string, string> {
  const declared = lib.manifest.dependencies ?? {};
  const dev = lib.manifest.devDependencies ?? {};
  const problems: string[] = [];
  const out: Record<string, string> = {};
  for (const [scan, what] of [
    [imports.runtime, 'requires'],
    [imports.types, 'imports types from'],
  ] as const) {
    for (const [name, file] of scan) {
      if (!(name in declared)) problems.push(`dist/${file} ${what} '${name}', which ${lib.dir}/package.json does not list in "dependencies"`);
    }
  }
  for (const [name, range] of Object.entries(declared)) {
    if (!imports.runtime.has(name) && !imports.types.has(name)) {
      problems.push(
        `${lib.dir}/package.json lists '${name}' in "dependencies" but the built code never imports it (a test-only package belongs in "devDependencies")`,
      );
    } else if (name.startsWith('@ivm/')) {
      const version = versions.get(name);
      if (version === undefined) problems.push(`${lib.dir} depends on '${name}', which is not publishable (tools/packages/src/publishable.ts)`);
      else out[name] = version;
    } else {
      out[name] = range;
    }
  }
  // A declaration file importing an untyped package (pg) needs its @types package at the consumer's.
  for (const [name, file] of imports.types) {
    if (name.startsWith('@types/') || name.startsWith('@ivm/') || !lacksOwnTypes(name)) continue;
    const typesName = `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;
    const range = declared[typesName] ?? dev[typesName];
    if (range === undefined) problems.push(`dist/${file} exposes types of '${name}', which has none of its own: add '${typesName}' to ${lib.dir}/package.json`);
    else out[typesName] = range;
  }
  if (problems.length > 0) throw new Error(`${lib.manifest.name}: dependencies do not match the built code:\n  ${problems.join('\n  ')}`);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
