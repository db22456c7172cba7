import type { ContractRegistry } from '../contracts/registry';
import { NotFoundError } from '../errors';
import { assertTenantId, assertVersion, entityKeyOf } from '../entity-keys/entity-keys';
import type { SliceRecord } from '../ports/records';
import type { ActiveVersionStore, SliceStore } from '../ports/stores';
import { joinView, type ViewResult } from './join-view';

export interface QueryViewInput {
  readonly tenantId: string;
  readonly viewId: string;
  readonly entityId: string;
  /** Defaults to the entity's active version. */
  readonly version?: number;
}

/** queryView (SPEC §5): read-only; follows the active version unless a version is given. */
export async function queryView(
  registry: ContractRegistry,
  stores: { readonly slices: SliceStore; readonly active: ActiveVersionStore },
  input: QueryViewInput,
): Promise<ViewResult> {
  assertTenantId(input.tenantId);
  const view = registry.view(input.viewId);
  const entityKey = entityKeyOf(view.root, input.entityId);
  let version = input.version;
  if (version === undefined) {
    version = await stores.active.get(input.tenantId, entityKey);
    if (version === undefined) throw new NotFoundError(`${entityKey} (no active version)`);
  } else {
    assertVersion(version);
  }
  const slices = await stores.slices.effective(input.tenantId, entityKey, version, view.slices);
  return joinView(view, entityKey, version, slices);
}

/** The effective slice of every type of an entity's RuleSet at a version. */
export async function readEffectiveSlices(
  registry: ContractRegistry,
  slices: SliceStore,
  input: { readonly tenantId: string; readonly entityType: string; readonly entityId: string; readonly version: number },
): Promise<ReadonlyMap<string, SliceRecord>> {
  assertTenantId(input.tenantId);
  assertVersion(input.version);
  const ruleSet = registry.ruleSet(input.entityType);
  return slices.effective(
    input.tenantId,
    entityKeyOf(input.entityType, input.entityId),
    input.version,
    ruleSet.slices.map((s) => s.type),
  );
}
