import { type ContractRegistry } from '@ivm/domain';
import { createChangeSetUseCase } from './create-changeset';
import { deleteRawUseCase } from './delete-raw';
import { effectiveSlicesUseCase } from './effective-slices';
import { insertRawUseCase } from './insert-raw';
import { listContractsUseCase } from './list-contracts';
import { queryViewUseCase } from './query-view';
import { readRawUseCase } from './read-raw';
import { sliceUseCase } from './slice';
import { type Stores } from '@ivm/domain';

/** Every use case, wired to one contract registry and one set of stores. */
export function createIvmServices(deps: { readonly registry: ContractRegistry; readonly stores: Stores }) {
  const { registry, stores } = deps;
  return {
    registry,
    insertRaw: insertRawUseCase(registry, stores),
    deleteRaw: deleteRawUseCase(registry, stores),
    readRaw: readRawUseCase(registry, stores),
    createChangeSet: createChangeSetUseCase(registry, stores),
    slice: sliceUseCase(registry, stores),
    queryView: queryViewUseCase(registry, stores),
    effectiveSlices: effectiveSlicesUseCase(registry, stores),
    listContracts: listContractsUseCase(registry),
  };
}

export type IvmServices = ReturnType<typeof createIvmServices>;
