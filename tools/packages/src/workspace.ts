import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(__dirname, '../../..');
/** Where `npm run build` puts one directory per package (git-ignored, like all of dist/). */
export const PACKAGES_DIR = join(ROOT, 'dist', 'packages');
/** Where `npm run pack` puts the tarballs. */
export const TARBALLS_DIR = join(ROOT, 'dist', 'tarballs');

/** The fields of a package.json the build reads. */
export interface SourceManifest {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly license?: string;
  readonly main?: string;
  readonly exports?: unknown;
  readonly engines?: Record<string, string>;
  readonly sideEffects?: boolean | string[];
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

/** A publishable lib: where it is and where its package is built. */
export interface Lib {
  /** Relative to the root, e.g. `libs/domain`. */
  readonly dir: string;
  readonly root: string;
  /** `dist/packages/<folder name>`: the package.json, README and the compiled `dist/` go here. */
  readonly outDir: string;
  readonly manifest: SourceManifest;
}

/** A JSON file, parsed; the error names the file. */
export function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** The lib at `dir` (relative to the root). */
export function readLib(dir: string): Lib {
  const root = join(ROOT, dir);
  return { dir, root, outDir: join(PACKAGES_DIR, basename(dir)), manifest: readJson<SourceManifest>(join(root, 'package.json')) };
}

/** The root package.json: license and engines every package inherits. */
export function readRootManifest(): SourceManifest {
  return readJson<SourceManifest>(join(ROOT, 'package.json'));
}
