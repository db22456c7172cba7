import { type SourceManifest } from './workspace';

/** One published entry point: its subpath and the files it maps to (paths as package.json writes them). */
export interface Entry {
  /** `.` or `./in-process`. */
  readonly subpath: string;
  /** The TypeScript source, e.g. `./src/in-process/index.ts`. */
  readonly source: string;
  readonly js: string;
  readonly dts: string;
}

/**
 * The published entry points of a lib: every `exports` entry whose target is under `./src/`, or
 * `main` as `.` when there is no `exports`. Entries elsewhere (`./testing`) serve the monorepo only.
 */
export function publishedEntries(manifest: SourceManifest, dir: string): Entry[] {
  const declared = declaredEntries(manifest, dir);
  const entries = Object.entries(declared)
    .filter(([subpath, source]) => subpath !== './package.json' && source.startsWith('./src/'))
    .map(([subpath, source]) => entryFor(subpath, source, dir));
  if (!entries.some((entry) => entry.subpath === '.')) throw new Error(`${dir}/package.json: no "." entry under ./src/ to publish`);
  return entries;
}

function declaredEntries(manifest: SourceManifest, dir: string): Record<string, string> {
  if (manifest.exports === undefined) {
    if (manifest.main === undefined) throw new Error(`${dir}/package.json: neither "exports" nor "main"`);
    return { '.': manifest.main };
  }
  const exports = manifest.exports;
  // Conditions would need a mapping per condition; the libs point each subpath at one source file.
  if (typeof exports !== 'object' || exports === null || Array.isArray(exports)) {
    throw new Error(`${dir}/package.json: "exports" must map subpaths to source files, e.g. {".": "./src/index.ts"}`);
  }
  for (const [subpath, target] of Object.entries(exports)) {
    if (typeof target !== 'string') throw new Error(`${dir}/package.json: exports["${subpath}"] must be a path (conditions are not supported)`);
    if (subpath !== '.' && !subpath.startsWith('./')) throw new Error(`${dir}/package.json: exports key "${subpath}" must be "." or start with "./"`);
  }
  return exports as Record<string, string>;
}

function entryFor(subpath: string, source: string, dir: string): Entry {
  const match = /^\.\/src\/(.+)\.ts$/.exec(source);
  if (!match || source.endsWith('.d.ts')) throw new Error(`${dir}/package.json: entry "${subpath}" → "${source}" must be a .ts file under ./src/`);
  const stem = `./dist/${match[1] as string}`;
  return { subpath, source, js: `${stem}.js`, dts: `${stem}.d.ts` };
}
