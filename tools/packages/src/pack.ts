import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type BuiltPackage, type Log } from './build';
import { isolatedEnv, run } from './run';
import { ROOT } from './workspace';

/** A tarball npm pack wrote. */
export interface PackedPackage {
  readonly name: string;
  readonly tarball: string;
  /** The paths inside the package, as `npm pack` lists them. */
  readonly files: readonly string[];
}

/** The file list of `npm pack --json` (the part read here). */
interface NpmPackReport {
  readonly filename: string;
  readonly size: number;
  readonly files: readonly { readonly path: string }[];
}

/** Why a packed file list is wrong (empty when it is fine): no tests, test helpers, TypeScript sources or build state. */
export function packContentProblems(files: readonly string[]): string[] {
  const problems = files.flatMap((file) => {
    if (/\.(spec|test)\.[cm]?[jt]s(\.map)?$/.test(file) || /\.spec\.d\.ts(\.map)?$/.test(file)) return [`${file}: a test file`];
    if (/(^|\/)testing\//.test(file)) return [`${file}: a test helper (testing/)`];
    if (/(^|\/)src\//.test(file) || (/\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file))) return [`${file}: TypeScript source`];
    if (/\.tsbuildinfo$/.test(file)) return [`${file}: tsc build state`];
    return [];
  });
  if (!files.includes('package.json')) problems.push('no package.json');
  return problems;
}

/** A path relative to the root when inside it. */
function shown(path: string): string {
  const inRoot = relative(ROOT, path);
  return inRoot.startsWith('..') ? path : inRoot;
}

/** Packs every built package into `destination` (in parallel), checking each file list. */
export async function packPackages(built: readonly BuiltPackage[], destination: string, log: Log = console.log): Promise<PackedPackage[]> {
  await mkdir(destination, { recursive: true });
  return Promise.all(
    built.map(async (pkg) => {
      const { stdout } = await run(`npm pack ${pkg.name}`, 'npm', ['pack', '--json', '--pack-destination', destination], { cwd: pkg.dir, env: isolatedEnv() });
      const [report] = JSON.parse(stdout) as NpmPackReport[];
      if (report === undefined) throw new Error(`npm pack ${pkg.name}: no report on stdout:\n${stdout}`);
      const files = report.files.map((file) => file.path);
      const problems = packContentProblems(files);
      if (problems.length > 0) throw new Error(`npm pack ${pkg.name}: the package holds files it must not:\n  ${problems.join('\n  ')}`);
      const tarball = join(destination, report.filename);
      log(`packed ${pkg.name} → ${shown(tarball)} (${files.length} files, ${(report.size / 1024).toFixed(0)} kB)`);
      return { name: pkg.name, tarball, files };
    }),
  );
}
