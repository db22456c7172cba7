import { readdir, readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';

// require('x'), require.resolve('x') and import('x') in emitted JavaScript; tsc writes them with literal specifiers.
const JS_IMPORTS = [/\brequire(?:\.resolve)?\(\s*(['"])([^'"]+)\1\s*\)/g, /\bimport\(\s*(['"])([^'"]+)\1\s*\)/g];
// from 'x', import 'x', import('x') and reference types in declaration files.
const DTS_IMPORTS = [
  /\bfrom\s+(['"])([^'"]+)\1/g,
  /\bimport\s+(['"])([^'"]+)\1/g,
  /\bimport\(\s*(['"])([^'"]+)\1\s*\)/g,
  /\/\/\/\s*<reference\s+types=(['"])([^'"]+)\1/g,
];

/** The package a bare specifier names (`@aws-sdk/client-dynamodb/x` → `@aws-sdk/client-dynamodb`); undefined for relative paths and Node builtins. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The packages one emitted file imports. */
export function importedPackages(code: string, kind: 'js' | 'dts'): string[] {
  const found = new Set<string>();
  for (const pattern of kind === 'js' ? JS_IMPORTS : DTS_IMPORTS) {
    for (const match of code.matchAll(pattern)) {
      const name = packageOf(match[2] as string);
      if (name !== undefined) found.add(name);
    }
  }
  return [...found].sort();
}

/** What a built package's files import: package → the first file (relative to `dir`) importing it, for messages. */
export interface ImportScan {
  /** From the JavaScript: needed at run time. */
  readonly runtime: Map<string, string>;
  /** From the declaration files: needed by a TypeScript consumer. */
  readonly types: Map<string, string>;
}

/** Scans every .js and .d.ts file under `dir`. */
export async function scanImports(dir: string): Promise<ImportScan> {
  const scan: ImportScan = { runtime: new Map(), types: new Map() };
  for (const file of await listFiles(dir)) {
    const kind = file.endsWith('.d.ts') ? 'dts' : file.endsWith('.js') ? 'js' : undefined;
    if (kind === undefined) continue;
    const into = kind === 'js' ? scan.runtime : scan.types;
    for (const name of importedPackages(await readFile(file, 'utf8'), kind)) if (!into.has(name)) into.set(name, relative(dir, file));
  }
  return scan;
}

/** Every file under `dir`, recursively, in path order. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
