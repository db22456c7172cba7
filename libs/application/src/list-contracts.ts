import { type ContractRegistry, type ContractSummary } from '@ivm/domain';

export function listContractsUseCase(registry: ContractRegistry) {
  return (): ContractSummary[] => registry.list();
}
