import { loadContractRegistry } from '@ivm/adapters-fs';
import { readFile, rename, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { generateCatalog } from './generate';

/** One run of the generator. */
export interface CodegenOptions {
  /** The contract directory. */
  readonly contracts: string;
  /** The file to write (or compare with). */
  readonly out: string;
  /** Where the generated file imports the SDK from. */
  readonly sdkImport: string;
  /** Compare instead of writing. */
  readonly check: boolean;
}

/** What a run did: `written`/`unchanged`, or for --check `in-sync`/`stale` with the first differing line. */
export type CodegenResult =
  | { readonly status: 'written' | 'unchanged'; readonly out: string }
  | { readonly status: 'in-sync'; readonly out: string }
  | { readonly status: 'stale'; readonly out: string; readonly difference: string };

/** Generates the catalog's TypeScript, formatted by the repository's prettier settings, and writes it only when it changed. */
export async function runCodegen(options: CodegenOptions): Promise<CodegenResult> {
  const registry = await loadContractRegistry(options.contracts);
  const label = `${path.relative(process.cwd(), path.resolve(options.contracts)).split(path.sep).join('/') || '.'}/`;
  const text = await generateCatalog(registry, { sdkImport: options.sdkImport, contractsLabel: label });
  // The output's own project settings, else those of where it runs (an output under /tmp has none).
  const config = (await resolveConfig(path.resolve(options.out))) ?? (await resolveConfig(path.join(process.cwd(), 'catalog.ts'))) ?? {};
  const formatted = await format(text, { ...config, parser: 'typescript' });
  const current = await readFile(options.out, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (options.check) {
    if (current === formatted) return { status: 'in-sync', out: options.out };
    return { status: 'stale', out: options.out, difference: current === undefined ? 'the file does not exist' : firstDifference(current, formatted) };
  }
  if (current === formatted) return { status: 'unchanged', out: options.out };
  await mkdir(path.dirname(options.out), { recursive: true });
  // Written aside then renamed: an interrupted run never leaves half a file behind.
  const temporary = `${options.out}.${process.pid}.tmp`;
  await writeFile(temporary, formatted);
  await rename(temporary, options.out);
  return { status: 'written', out: options.out };
}

function firstDifference(current: string, wanted: string): string {
  const a = current.split('\n');
  const b = wanted.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}:\n    in the file:      ${a[i] ?? '(end of file)'}\n    from the contracts: ${b[i] ?? '(end of file)'}`;
  }
  return 'the files differ';
}
