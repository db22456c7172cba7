import { type ContractRegistry, insertRawdata } from '@ivm/domain';
import { type WriteRawResult } from './insert-raw';
import { rawView } from './raw-view';
import { type Stores } from '@ivm/domain';

export interface DeleteRawCommand {
  readonly tenantId: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly version: number;
}

/** Records the entity's deletion as a tombstone at `version`, under the same version rules as an insert. */
export function deleteRawUseCase(registry: ContractRegistry, stores: Pick<Stores, 'raw'>) {
  return async (command: DeleteRawCommand): Promise<WriteRawResult> => {
    const { record, created } = await insertRawdata(registry, stores.raw, { ...command, deleted: true });
    return { ...rawView(record), created };
  };
}
