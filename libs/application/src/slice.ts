import { assertTenantId, assertVersion, type ContractRegistry, entityKeyOf, type SliceRequest, SlicingEngine } from '@ivm/domain';
import { type IvmStores } from './stores';

export interface SliceCommand {
  readonly tenantId: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly version: number;
  readonly mode: 'FULL' | 'INCREMENTAL';
  /** INCREMENTAL only; defaults to the newest raw version below `version` (0 if none). */
  readonly fromVersion?: number;
  /** Move the active version to `version` when done; default true. */
  readonly cutover?: boolean;
}

/** The API shape of a slicing: slice types, index keys and parent entity keys, each ascending as the engine reports them. */
export interface SliceReport {
  readonly entityKey: string;
  readonly version: number;
  readonly mode: 'FULL' | 'INCREMENTAL';
  readonly fromVersion?: number;
  readonly written: string[];
  readonly unchanged: string[];
  readonly tombstoned: string[];
  readonly index: { readonly added: string[]; readonly removed: string[] };
  readonly fanout: string[];
  readonly fanoutBatches: number;
  readonly cutover: boolean;
}

/**
 * Slicing with fan-out (the engine rebuilds a joined entity's parents in bounded batches), then
 * cutover: the active version moves only after every slice is written, so readers never follow
 * a version whose slices are half built.
 */
export function sliceUseCase(registry: ContractRegistry, stores: IvmStores) {
  const engine = new SlicingEngine(registry, stores);
  return async (command: SliceCommand): Promise<SliceReport> => {
    assertTenantId(command.tenantId);
    registry.ruleSet(command.entityType);
    assertVersion(command.version);
    const entityKey = entityKeyOf(command.entityType, command.entityId);
    const base = { tenantId: command.tenantId, entityKey, version: command.version };
    let request: SliceRequest;
    if (command.mode === 'FULL') request = { ...base, mode: 'FULL' };
    else {
      // Nothing can precede version 1; otherwise the base is the newest raw version below this one.
      const fromVersion =
        command.fromVersion ?? (command.version === 1 ? 0 : ((await stores.raw.latestBelow(command.tenantId, entityKey, command.version))?.version ?? 0));
      request = { ...base, mode: 'INCREMENTAL', fromVersion };
    }
    const result = await engine.slice(request);
    const cutover = command.cutover !== false;
    if (cutover) await stores.active.set(command.tenantId, entityKey, command.version);
    return {
      entityKey,
      version: command.version,
      mode: command.mode,
      ...(request.mode === 'INCREMENTAL' ? { fromVersion: request.fromVersion } : {}),
      written: result.written,
      unchanged: result.unchanged,
      tombstoned: result.tombstoned,
      index: { added: result.indexAdded.map((e) => e.indexKey), removed: result.indexRemoved.map((e) => e.indexKey) },
      fanout: result.fanout,
      fanoutBatches: result.fanoutBatches,
      cutover,
    };
  };
}
