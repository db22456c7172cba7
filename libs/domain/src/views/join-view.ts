import type { Json, JsonObject } from '../canonical/canonical-json';
import type { ViewContract } from '../contracts/model';
import { NotFoundError, SliceMissingError } from '../errors';
import { valueAt } from '../paths/path';
import type { SliceRecord } from '../ports/records';

export interface ViewResult {
  readonly view: string;
  readonly viewVersion: string;
  readonly entityKey: string;
  readonly version: number;
  readonly data: JsonObject;
  /** Declared slices that were missing (only ever non-empty under PARTIAL). */
  readonly missingSlices: readonly string[];
}

/**
 * ViewJoiner: merges the declared slices of one root entity at read time; never re-joins and
 * never writes. A missing (or tombstoned) slice fails closed unless the view is PARTIAL; an
 * entity with none of its slices does not exist at that version.
 */
export function joinView(view: ViewContract, entityKey: string, version: number, slices: ReadonlyMap<string, SliceRecord>): ViewResult {
  const live = new Map<string, JsonObject>();
  const missing: string[] = [];
  for (const type of view.slices) {
    const slice = slices.get(type);
    if (slice && !slice.tombstone && slice.data !== null) live.set(type, slice.data);
    else missing.push(type);
  }
  if (live.size === 0) throw new NotFoundError(`${entityKey} at version ${version}`);
  if (missing.length > 0 && view.missingSlicePolicy === 'FAIL_CLOSED') throw new SliceMissingError(view.id, entityKey, missing);
  const data: Record<string, Json> = {};
  for (const field of view.fields) {
    const source = live.get(field.slice);
    const value = source === undefined ? undefined : valueAt(source, field.path);
    if (value !== undefined) data[field.name] = value;
  }
  return { view: view.id, viewVersion: view.version, entityKey, version, data, missingSlices: missing };
}
