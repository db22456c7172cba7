import { assertTenantId, assertVersion, type ContractRegistry, entityKeyOf, NotFoundError } from '@ivm/domain';
import { type RawView, rawView } from './raw-view';
import { type Stores } from '@ivm/domain';

/** One raw version of an entity, or its newest one (a tombstone included). @throws NotFoundError */
export function readRawUseCase(registry: ContractRegistry, stores: Pick<Stores, 'raw' | 'heads'>) {
  return async (tenantId: string, entityType: string, entityId: string, version: number | 'latest'): Promise<RawView> => {
    assertTenantId(tenantId);
    registry.schema(entityType);
    const entityKey = entityKeyOf(entityType, entityId);
    if (version !== 'latest') assertVersion(version);
    const record = version === 'latest' ? (await stores.heads.get(tenantId, entityKey))?.latest : await stores.raw.get(tenantId, entityKey, version);
    if (!record) throw new NotFoundError(version === 'latest' ? `${entityKey} (no version)` : `${entityKey} version ${version}`);
    return rawView(record);
  };
}
