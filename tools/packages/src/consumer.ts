import { readFileSync } from 'node:fs';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { readmeBlock } from '@ivm/runtime/testing/readme-script';
import { type BuiltPackage } from './build';
import { type PackedPackage } from './pack';
import { isolatedEnv, run } from './run';
import { readRootManifest, ROOT } from './workspace';

/** The README section whose example must run against the installed packages. */
export const README_EXAMPLE_HEADING = '## Using the domain library in-process';
/** The README section whose second ts block (the SDK in process) must run against the installed packages. */
export const README_SDK_HEADING = '## The SDK';

/** A project outside the repository with the tarballs installed. */
export interface Consumer {
  /** The temporary directory holding the tarballs and the project. */
  readonly work: string;
  readonly dir: string;
}

/** A fresh temporary directory under os.tmpdir(), never inside the repository. */
export function makeWorkDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ivm-packages-'));
}

/**
 * Creates the consumer project in `work` and installs every tarball in one `npm install`, so the
 * internal dependencies resolve to the tarballs and the others come from the registry (or npm's cache).
 */
export async function installConsumer(work: string, packed: readonly PackedPackage[]): Promise<Consumer> {
  const dir = join(work, 'consumer');
  await cp(join(ROOT, 'contracts'), join(dir, 'contracts'), { recursive: true });
  await writeFile(join(dir, 'package.json'), `${JSON.stringify({ name: 'ivm-consumer', version: '1.0.0', private: true }, null, 2)}\n`);
  // The consumer brings its own @types/node (our declarations use Node's types), at the monorepo's version.
  const typesNode = `@types/node@${readRootManifest().devDependencies?.['@types/node'] ?? '20'}`;
  const args = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--prefix', dir, ...packed.map((p) => p.tarball), typesNode];
  await run('npm install of the tarballs in the consumer project', 'npm', args, { cwd: dir, env: isolatedEnv() });
  return { work, dir };
}

/** Runs `node` in the consumer project (plain node: no tsx, no loaders, no NODE_PATH). */
export function runNode(consumer: Consumer, step: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  return run(step, process.execPath, args, { cwd: consumer.dir, env: isolatedEnv() });
}

/**
 * The README example as an ES module: its TypeScript turned into JavaScript by tsc (so type
 * annotations in the README stay possible), then `checks` appended, which see its top-level names.
 */
export function readmeExampleModule(checks: string, heading = README_EXAMPLE_HEADING, index = 0): { source: string; module: string } {
  const source = readmeBlock(readFileSync(join(ROOT, 'README.md'), 'utf8'), heading, index, 'ts');
  const compilerOptions = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 };
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: 'readme-example.ts' });
  return { source, module: `import assert from 'node:assert/strict';\n${outputText}\n// The claims of the example's comments:\n${checks}\n` };
}

/** The import specifier of every published entry: `@ivm/domain`, `@ivm/sdk/in-process`, … */
export function entrySpecifiers(built: readonly BuiltPackage[]): string[] {
  return built.flatMap((pkg) => pkg.entries.map((entry) => (entry.subpath === '.' ? pkg.name : `${pkg.name}/${entry.subpath.slice(2)}`)));
}
