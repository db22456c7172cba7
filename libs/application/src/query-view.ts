import { type ContractRegistry, type JsonObject, queryView } from '@ivm/domain';
import { type Stores } from '@ivm/domain';

export interface ViewReport {
  readonly view: string;
  readonly entityKey: string;
  readonly version: number;
  readonly data: JsonObject;
  /** Declared slices that were missing (only ever non-empty for a PARTIAL view). */
  readonly missingSlices: readonly string[];
}

/** A view of an entity at its active version, or at the given one. @throws NotFoundError, SliceMissingError, UnknownContractError */
export function queryViewUseCase(registry: ContractRegistry, stores: Pick<Stores, 'heads' | 'slices'>) {
  return async (input: { readonly tenantId: string; readonly viewId: string; readonly entityId: string; readonly version?: number }): Promise<ViewReport> => {
    const result = await queryView(registry, stores, input);
    return { view: result.view, entityKey: result.entityKey, version: result.version, data: result.data, missingSlices: result.missingSlices };
  };
}
