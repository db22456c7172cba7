import { type ActiveVersionStore, type ChangeSetStore, type IndexStore, type RawStore, type SliceStore } from '@ivm/domain';

/** Every store port the use cases need, implemented by an adapter (DynamoDB) or in memory. */
export interface IvmStores {
  readonly raw: RawStore;
  readonly changeSets: ChangeSetStore;
  readonly slices: SliceStore;
  readonly index: IndexStore;
  readonly active: ActiveVersionStore;
}
