import { type Stores } from '@ivm/domain';
import { DynamoChangeSetStore } from './change-set-store';
import { type DynamoClientLike } from './client';
import { type RequestCounter } from './counter';
import { DynamoHeadStore } from './head-store';
import { DynamoIndexStore } from './index-store';
import { tableNames } from './keys';
import { DynamoRawStore } from './raw-store';
import { Requests } from './requests';
import { DynamoSliceStore } from './slice-store';

/** The domain's store set on DynamoDB (the domain's `Stores`, named for the wiring that asks for this one). */
export type DynamoStores = Stores;

/**
 * The domain's store ports on DynamoDB (tables from `bootstrapTables` with the same prefix).
 * Every request is recorded in `counter` when one is given.
 *
 * Crash-safe write order (no TransactWriteItems — dynalite lacks it): each store call writes
 * independent items. A slicing writes index adds → index removes → slice puts → one conditional
 * UpdateItem of the entity's head committing its slice set: readers follow slice sets, so until
 * that commit nothing new is read, and a re-run recomputes and repeats the same index delta.
 * A raw append updates the head first (the atomic ordering decision), then writes the record.
 * Change-set puts are single immutable items (conditional on absence).
 */
export function createDynamoStores(client: DynamoClientLike, options: { readonly tablePrefix: string; readonly counter?: RequestCounter }): DynamoStores {
  const requests = new Requests(client, options.counter);
  const names = tableNames(options.tablePrefix);
  return {
    raw: new DynamoRawStore(requests, names.raw, names.heads),
    heads: new DynamoHeadStore(requests, names.heads),
    changeSets: new DynamoChangeSetStore(requests, names.changeSets),
    slices: new DynamoSliceStore(requests, names.slices),
    index: new DynamoIndexStore(requests, names.index),
  };
}
