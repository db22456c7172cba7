import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTRACTS_DIR } from './http-harness';

/** One textual edit of a contract file: `from` must occur in it exactly once. */
export type ContractEdit = readonly [from: string, to: string];

export interface ContractsVariant {
  readonly dir: string;
  remove(): void;
}

/**
 * A copy of the sample catalog in a temporary directory with `edits` applied (file path relative
 * to the contracts directory → edits). Synchronous, so its directory can be named in useTestApi's
 * options; remove it in afterAll. An edit whose text does not occur exactly once throws, so a
 * change to the catalog cannot silently turn the variant into a copy.
 */
export function contractsVariant(edits: Readonly<Record<string, readonly ContractEdit[]>>): ContractsVariant {
  const dir = mkdtempSync(join(tmpdir(), 'ivm-contracts-'));
  try {
    cpSync(CONTRACTS_DIR, dir, { recursive: true });
    for (const [file, changes] of Object.entries(edits)) {
      const path = join(dir, file);
      let text = readFileSync(path, 'utf8');
      for (const [from, to] of changes) {
        const occurrences = text.split(from).length - 1;
        if (occurrences !== 1) throw new Error(`contractsVariant: ${JSON.stringify(from)} occurs ${occurrences} times in ${file}, not once`);
        text = text.replace(from, () => to);
      }
      writeFileSync(path, text);
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
