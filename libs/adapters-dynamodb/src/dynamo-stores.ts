import { type ActiveVersionStore, type ChangeSetStore, type IndexStore, type RawStore, type SliceStore } from '@ivm/domain';
import { DynamoActiveVersionStore } from './active-version-store';
import { DynamoChangeSetStore } from './change-set-store';
import { type DynamoClientLike } from './client';
import { type RequestCounter } from './counter';
import { DynamoIndexStore } from './index-store';
import { tableNames } from './keys';
import { DynamoRawStore } from './raw-store';
import { Requests } from './requests';
import { DynamoSliceStore } from './slice-store';

export interface DynamoStores {
  readonly raw: RawStore;
  readonly changeSets: ChangeSetStore;
  readonly slices: SliceStore;
  readonly index: IndexStore;
  readonly active: ActiveVersionStore;
}

/**
 * The domain's store ports on DynamoDB (tables from `bootstrapTables` with the same prefix).
 * Every request is recorded in `counter` when one is given.
 *
 * Crash-safe write order (no TransactWriteItems — dynalite lacks it): each store call writes
 * independent items, and the engine (rebuildItems) orders them index adds → index removes →
 * slice puts. Index writes are idempotent and a slice put is the commit point of its slice, so a
 * crash between any two items leaves the effective slices unchanged and a re-run recomputes and
 * repeats the same index delta before committing the slices. Raw and change-set puts are single
 * immutable items (conditional on absence), so a replay finds them and succeeds.
 */
export function createDynamoStores(client: DynamoClientLike, options: { readonly tablePrefix: string; readonly counter?: RequestCounter }): DynamoStores {
  const requests = new Requests(client, options.counter);
  const names = tableNames(options.tablePrefix);
  return {
    raw: new DynamoRawStore(requests, names.raw),
    changeSets: new DynamoChangeSetStore(requests, names.changeSets),
    slices: new DynamoSliceStore(requests, names.slices),
    index: new DynamoIndexStore(requests, names.index),
    active: new DynamoActiveVersionStore(requests, names.active),
  };
}
