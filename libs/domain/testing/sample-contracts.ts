import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ContractRegistry, type ContractSource } from '../src';

/** The repository's `contracts/` folder (the sample catalog every suite runs against). */
export const SAMPLE_CONTRACTS_DIR = resolve(__dirname, '../../../contracts');

/** Every contract file of the sample catalog, with paths relative to `contracts/`. */
export function sampleContractSources(): ContractSource[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? walk(path) : /\.(ya?ml|json)$/.test(name) ? [path] : [];
      });
  return walk(SAMPLE_CONTRACTS_DIR).map((path) => ({ path: relative(SAMPLE_CONTRACTS_DIR, path), text: readFileSync(path, 'utf8') }));
}

let cached: ContractRegistry | undefined;

/** The sample catalog's registry (loaded once per test file). */
export function sampleRegistry(): ContractRegistry {
  return (cached ??= ContractRegistry.fromSources(sampleContractSources()));
}

/**
 * The sources with one file's text rewritten, for tests of broken or variant contract sets.
 * Throws when the file is absent or the rewrite changes nothing, so a stale test cannot pass.
 * @param file path relative to `contracts/`, e.g. `rulesets/product.yaml`
 */
export function rewriteSource(sources: readonly ContractSource[], file: string, rewrite: (text: string) => string): ContractSource[] {
  let found = false;
  const rewritten = sources.map((source) => {
    if (source.path !== file) return source;
    found = true;
    const text = rewrite(source.text);
    if (text === source.text) throw new Error(`rewrite of ${file} changed nothing`);
    return { path: source.path, text };
  });
  if (!found) throw new Error(`no contract ${file}`);
  return rewritten;
}

/** The sample sources with one file's text rewritten (see `rewriteSource`). */
export function sampleSourcesWith(file: string, rewrite: (text: string) => string): ContractSource[] {
  return rewriteSource(sampleContractSources(), file, rewrite);
}
