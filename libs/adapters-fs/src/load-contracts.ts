import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ContractRegistry } from '@ivm/domain';
import { type ContractSource, parseContractSource } from './parse-contracts';

const CONTRACT_FILE = /\.(ya?ml|json)$/i;

/**
 * Every contract file (`.yaml`, `.yml`, `.json`) under `dir`, recursively, in path order, each
 * named by its path relative to `dir` with `/` separators so problems read the same everywhere.
 * Hidden files and folders are skipped.
 */
export async function readContractSources(dir: string): Promise<ContractSource[]> {
  const files: string[] = [];
  const walk = async (at: string): Promise<void> => {
    for (const entry of (await readdir(at, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith('.')) continue;
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && CONTRACT_FILE.test(entry.name)) files.push(path);
    }
  };
  await walk(dir);
  return Promise.all(files.map(async (path) => ({ path: relative(dir, path).split(sep).join('/'), text: await readFile(path, 'utf8') })));
}

/** The validated registry of a contracts directory. @throws ContractValidationError listing every problem */
export async function loadContractRegistry(dir: string): Promise<ContractRegistry> {
  return ContractRegistry.fromDocuments((await readContractSources(dir)).map(parseContractSource));
}
