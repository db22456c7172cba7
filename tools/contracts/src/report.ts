import { loadContractRegistry } from '@ivm/adapters-fs';
import { ContractValidationError } from '@ivm/domain';

export interface ValidationReport {
  readonly ok: boolean;
  readonly lines: readonly string[];
}

/** Loads a contract directory and describes the result: the contracts, or every problem. */
export async function validateContracts(dir: string): Promise<ValidationReport> {
  try {
    const registry = await loadContractRegistry(dir);
    const contracts = registry.list();
    return {
      ok: true,
      lines: [`${dir}: ${contracts.length} contracts, all valid`, ...contracts.map((c) => `  ${c.kind.padEnd(12)} ${c.id}@${c.version}`)],
    };
  } catch (error) {
    if (error instanceof ContractValidationError) {
      return {
        ok: false,
        lines: [`${dir}: ${error.details.length} problem${error.details.length === 1 ? '' : 's'}`, ...error.details.map((d) => `  ${d.path}: ${d.message}`)],
      };
    }
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, lines: [`${dir}: no such directory`] };
    throw error;
  }
}
