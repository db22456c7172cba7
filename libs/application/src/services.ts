import { type ContractRegistry } from '@ivm/domain';
import { createChangeSetUseCase } from './create-changeset';
import { deleteRawUseCase } from './delete-raw';
import { effectiveSlicesUseCase } from './effective-slices';
import { insertRawUseCase } from './insert-raw';
import { listContractsUseCase } from './list-contracts';
import { queryViewUseCase } from './query-view';
import { readRawUseCase } from './read-raw';
import { sliceUseCase } from './slice';
import { SinkDirectory, type SinkDirectoryOptions } from './sinks/sink-directory';
import { type Stores } from '@ivm/domain';

/** What the use cases run on: the contracts, the stores, and what this process can ship to (default: no sink plugins, an empty environment). */
export interface IvmServiceDeps {
  readonly registry: ContractRegistry;
  readonly stores: Stores;
  readonly sinks?: SinkDirectoryOptions;
}

/** Every use case, wired to one contract registry and one set of stores. */
export function createIvmServices(deps: IvmServiceDeps) {
  const { registry, stores } = deps;
  const sinks = new SinkDirectory(registry, deps.sinks);
  return {
    registry,
    sinks,
    insertRaw: insertRawUseCase(registry, stores),
    deleteRaw: deleteRawUseCase(registry, stores),
    readRaw: readRawUseCase(registry, stores),
    createChangeSet: createChangeSetUseCase(registry, stores),
    slice: sliceUseCase(registry, stores),
    queryView: queryViewUseCase(registry, stores),
    effectiveSlices: effectiveSlicesUseCase(registry, stores),
    listContracts: listContractsUseCase(registry, sinks),
  };
}

export type IvmServices = ReturnType<typeof createIvmServices>;
