import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type ErrorDetail, ContractRegistry, type ParsedContractFile } from '../src';

/** One contract file's text, named by its path (as `@ivm/adapters-fs` reads it). */
export interface ContractSource {
  readonly path: string;
  readonly text: string;
}

/**
 * A contract file's documents, parsed as `@ivm/adapters-fs` parses them (JSON: one document; YAML:
 * every non-empty document, duplicate keys refused). Test-only: text that does not parse throws;
 * how parse errors are reported is the adapter's, and tested there.
 */
export function parseSource(source: ContractSource): ParsedContractFile {
  if (source.path.endsWith('.json')) return { path: source.path, documents: [JSON.parse(source.text) as unknown] };
  const documents = parseAllDocuments(source.text, { uniqueKeys: true });
  const list = Array.isArray(documents) ? documents : [documents];
  for (const doc of list) if (doc.errors.length > 0) throw new Error(`${source.path} is not valid YAML: ${doc.errors[0]?.message ?? ''}`);
  return { path: source.path, documents: list.map((doc) => doc.toJS({ maxAliasCount: 100 }) as unknown).filter((v) => v !== null && v !== undefined) };
}

/** `ContractRegistry.fromDocuments` of contract texts. @throws ContractValidationError */
export function registryFromSources(sources: readonly ContractSource[]): ContractRegistry {
  return ContractRegistry.fromDocuments(sources.map(parseSource));
}

/** `ContractRegistry.validate` of contract texts. */
export function validateSources(sources: readonly ContractSource[]): readonly ErrorDetail[] {
  return ContractRegistry.validate(sources.map(parseSource));
}

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
  return (cached ??= registryFromSources(sampleContractSources()));
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
