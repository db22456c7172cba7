import { assertTenantId, type Change, type ContractRegistry, createChangeSet, entityKeyOf } from '@ivm/domain';
import { type Stores } from '@ivm/domain';

export interface CreateChangeSetCommand {
  readonly tenantId: string;
  readonly entityType: string;
  readonly entityId: string;
  /** 0 diffs against "no document" (the entity's creation). */
  readonly fromVersion: number;
  readonly toVersion: number;
}

export interface ChangeSetView {
  readonly entityKey: string;
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly hash: string;
  readonly changes: readonly Change[];
  /** False when the change set was already stored (same key ⇒ same hash). */
  readonly created: boolean;
}

export function createChangeSetUseCase(registry: ContractRegistry, stores: Pick<Stores, 'raw' | 'changeSets'>) {
  return async (command: CreateChangeSetCommand): Promise<ChangeSetView> => {
    assertTenantId(command.tenantId);
    // Checked first so an unknown type reads as such, whatever else is wrong with the request.
    registry.schema(command.entityType);
    const entityKey = entityKeyOf(command.entityType, command.entityId);
    const { changeSet, created } = await createChangeSet(registry, stores, {
      tenantId: command.tenantId,
      entityKey,
      fromVersion: command.fromVersion,
      toVersion: command.toVersion,
    });
    return { entityKey, fromVersion: changeSet.fromVersion, toVersion: changeSet.toVersion, hash: changeSet.hash, changes: changeSet.changes, created };
  };
}
