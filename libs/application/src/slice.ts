import {
  assertTenantId,
  assertVersion,
  type ContractRegistry,
  type CutoverSkipped,
  entityKeyOf,
  type SliceRequest,
  SlicingEngine,
  type Stores,
} from '@ivm/domain';

export interface SliceCommand {
  readonly tenantId: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly version: number;
  readonly mode: 'FULL' | 'INCREMENTAL';
  /** INCREMENTAL only; defaults to the newest sliced version (0 if none), the only base accepted for a new version. */
  readonly fromVersion?: number;
  /** Move the active version to `version` when done; default true. It never moves back. */
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
  /** Slice types already built from newer inputs or a newer RuleSet at this version: left as they are. */
  readonly superseded: string[];
  readonly index: { readonly added: string[]; readonly removed: string[] };
  readonly fanout: string[];
  readonly fanoutBatches: number;
  /** True when `version` is the active version after the call. */
  readonly cutover: boolean;
  /** Why the active version is not `version`, when it is not. */
  readonly cutoverSkipped?: CutoverSkipped;
  /** The newest sliced and the active version of the entity after the call. */
  readonly slicedVersion: number;
  readonly activeVersion: number | null;
}

/**
 * Slicing with fan-out and cutover (the engine rebuilds a joined entity's parents in bounded
 * batches, and commits the slice set and the cutover in one conditional write on the head):
 * readers never follow a half-built version, and never a version older than the active one.
 */
export function sliceUseCase(registry: ContractRegistry, stores: Stores) {
  const engine = new SlicingEngine(registry, stores);
  return async (command: SliceCommand): Promise<SliceReport> => {
    assertTenantId(command.tenantId);
    registry.ruleSet(command.entityType);
    assertVersion(command.version);
    const entityKey = entityKeyOf(command.entityType, command.entityId);
    const base = { tenantId: command.tenantId, entityKey, version: command.version, ...(command.cutover === undefined ? {} : { cutover: command.cutover }) };
    const request: SliceRequest =
      command.mode === 'FULL'
        ? { ...base, mode: 'FULL' }
        : { ...base, mode: 'INCREMENTAL', ...(command.fromVersion === undefined ? {} : { fromVersion: command.fromVersion }) };
    const result = await engine.slice(request);
    return {
      entityKey,
      version: command.version,
      mode: command.mode,
      ...(result.fromVersion === undefined ? {} : { fromVersion: result.fromVersion }),
      written: result.written,
      unchanged: result.unchanged,
      tombstoned: result.tombstoned,
      superseded: result.superseded,
      index: { added: result.indexAdded.map((e) => e.indexKey), removed: result.indexRemoved.map((e) => e.indexKey) },
      fanout: result.fanout,
      fanoutBatches: result.fanoutBatches,
      cutover: result.cutover,
      ...(result.cutoverSkipped === undefined ? {} : { cutoverSkipped: result.cutoverSkipped }),
      slicedVersion: result.slicedVersion,
      activeVersion: result.activeVersion,
    };
  };
}
