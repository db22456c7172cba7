import { assertTenantId, type ContractRegistry, entityKeyOf, type JsonObject, NotFoundError, readEffectiveSlices } from '@ivm/domain';
import { type Stores } from '@ivm/domain';

export interface EffectiveSlice {
  /** The version the slice was written at (at or below the requested one). */
  readonly version: number;
  readonly hash: string;
  readonly data: JsonObject | null;
  readonly tombstone: boolean;
}

export interface EffectiveSlicesReport {
  readonly version: number;
  readonly slices: Record<string, EffectiveSlice>;
}

/** The effective slice of every type at a version (default: the newest raw version). @throws NotFoundError */
export function effectiveSlicesUseCase(registry: ContractRegistry, stores: Pick<Stores, 'heads' | 'slices'>) {
  return async (input: {
    readonly tenantId: string;
    readonly entityType: string;
    readonly entityId: string;
    readonly version?: number;
  }): Promise<EffectiveSlicesReport> => {
    assertTenantId(input.tenantId);
    registry.ruleSet(input.entityType);
    const entityKey = entityKeyOf(input.entityType, input.entityId);
    let version = input.version;
    if (version === undefined) {
      const latest = (await stores.heads.get(input.tenantId, entityKey))?.latest;
      if (!latest) throw new NotFoundError(`${entityKey} (no version)`);
      version = latest.version;
    }
    const found = await readEffectiveSlices(registry, stores, { ...input, version });
    const slices: Record<string, EffectiveSlice> = {};
    for (const [type, slice] of [...found.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      slices[type] = { version: slice.version, hash: slice.hash, data: slice.data, tombstone: slice.tombstone };
    }
    return { version, slices };
  };
}
