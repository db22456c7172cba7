import type { ContractRegistry } from '../contracts/registry';
import { assertTenantId, assertVersion, entityKeyOf } from '../entity-keys/entity-keys';
import { NotFoundError } from '../errors';
import type { EntityHead, SliceRecord, SliceSet } from '../ports/records';
import type { HeadStore, SliceStore } from '../ports/stores';
import { joinView, type ViewResult } from './join-view';

export interface QueryViewInput {
  readonly tenantId: string;
  readonly viewId: string;
  readonly entityId: string;
  /** Defaults to the entity's active version. */
  readonly version?: number;
}

type ReadStores = { readonly heads: HeadStore; readonly slices: SliceStore };

/** queryView (SPEC §5): read-only; follows the active slice set unless a version is given. */
export async function queryView(registry: ContractRegistry, stores: ReadStores, input: QueryViewInput): Promise<ViewResult> {
  assertTenantId(input.tenantId);
  const view = registry.view(input.viewId);
  const entityKey = entityKeyOf(view.root, input.entityId);
  if (input.version !== undefined) assertVersion(input.version);
  const head = await stores.heads.get(input.tenantId, entityKey);
  const version = input.version ?? head?.active?.version;
  if (version === undefined) throw new NotFoundError(`${entityKey} (no active version)`);
  const slices = await slicesAt(stores, input.tenantId, entityKey, head, version, view.slices);
  return joinView(view, entityKey, version, slices);
}

/** The effective slice of every type of an entity's RuleSet at a version. */
export async function readEffectiveSlices(
  registry: ContractRegistry,
  stores: ReadStores,
  input: { readonly tenantId: string; readonly entityType: string; readonly entityId: string; readonly version: number },
): Promise<ReadonlyMap<string, SliceRecord>> {
  assertTenantId(input.tenantId);
  assertVersion(input.version);
  const ruleSet = registry.ruleSet(input.entityType);
  const entityKey = entityKeyOf(input.entityType, input.entityId);
  const head = await stores.heads.get(input.tenantId, entityKey);
  return slicesAt(
    stores,
    input.tenantId,
    entityKey,
    head,
    input.version,
    ruleSet.slices.map((s) => s.type),
  );
}

/**
 * The committed slice set that answers for `version`: the active one at its version, the newest
 * sliced one at or above its version (versions ingested since are not sliced yet); undefined for
 * older versions, which only history reads reach.
 */
export function sliceSetAt(head: EntityHead | undefined, version: number): SliceSet | undefined {
  if (head?.active?.version === version) return head.active;
  if (head?.sliced !== undefined && version >= head.sliced.version) return head.sliced;
  return undefined;
}

/** By key through a committed slice set (one read); versions no set covers read the history. */
async function slicesAt(
  stores: ReadStores,
  tenantId: string,
  entityKey: string,
  head: EntityHead | undefined,
  version: number,
  sliceTypes: readonly string[],
): Promise<ReadonlyMap<string, SliceRecord>> {
  const set = sliceSetAt(head, version);
  if (!set) return stores.slices.effective(tenantId, entityKey, version, sliceTypes);
  const types = sliceTypes.filter((type) => set.slices[type] !== undefined);
  const records =
    types.length === 0
      ? []
      : await stores.slices.get(
          tenantId,
          types.map((sliceType) => ({ entityKey, version: (set.slices[sliceType] as { version: number }).version, sliceType })),
        );
  const out = new Map<string, SliceRecord>();
  records.forEach((record, i) => {
    if (record) out.set(types[i] as string, record);
  });
  return out;
}
