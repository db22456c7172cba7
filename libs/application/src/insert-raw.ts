import { type ContractRegistry, insertRawdata } from '@ivm/domain';
import { type RawView, rawView } from './raw-view';
import { type Stores } from '@ivm/domain';

export interface InsertRawCommand {
  readonly tenantId: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly version: number;
  /** The document; validated against the entity's schema by the domain. */
  readonly data: unknown;
}

/** `created: false` is an idempotent replay of the same version and content. */
export interface WriteRawResult extends RawView {
  readonly created: boolean;
}

export function insertRawUseCase(registry: ContractRegistry, stores: Pick<Stores, 'raw'>) {
  return async (command: InsertRawCommand): Promise<WriteRawResult> => {
    const { record, created } = await insertRawdata(registry, stores.raw, command);
    return { ...rawView(record), created };
  };
}
