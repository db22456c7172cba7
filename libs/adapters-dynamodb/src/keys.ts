/**
 * Key design (SPEC §7). Partition keys always carry the entity or index key, never the tenant
 * alone, so one tenant's catalog spreads over many partitions. The parts are joined with '#':
 * tenant ids cannot contain '#' and an entity key is exactly `{entityType}#{entityId}` with no
 * '#' in the id, so every key splits back unambiguously.
 *
 * | table       | PK (S)                                   | SK                                   |
 * |-------------|------------------------------------------|--------------------------------------|
 * | raw         | `{tenant}#{entityKey}`                   | version (N)                          |
 * | change sets | `{tenant}#{entityKey}`                   | `{from}#{to}` (S, zero-padded to 16) |
 * | slices      | `{tenant}#{entityKey}#{sliceType}`       | version (N)                          |
 * | index       | `{tenant}#{indexKey}`                    | entityKey (S)                        |
 * | active      | `{tenant}#{entityKey}`                   | —                                    |
 */

export interface TableNames {
  readonly raw: string;
  readonly changeSets: string;
  readonly slices: string;
  readonly index: string;
  readonly active: string;
}

export function tableNames(prefix: string): TableNames {
  return {
    raw: `${prefix}raw`,
    changeSets: `${prefix}change-sets`,
    slices: `${prefix}slices`,
    index: `${prefix}index`,
    active: `${prefix}active-versions`,
  };
}

export const entityPk = (tenantId: string, entityKey: string): string => `${tenantId}#${entityKey}`;

export const slicePk = (tenantId: string, entityKey: string, sliceType: string): string => `${tenantId}#${entityKey}#${sliceType}`;

export const indexPk = (tenantId: string, indexKey: string): string => `${tenantId}#${indexKey}`;

/** Digits of Number.MAX_SAFE_INTEGER: zero-padding to it makes string order equal numeric order. */
const VERSION_DIGITS = 16;

/** `{from}#{to}`, both zero-padded, so change sets of an entity sort by version in a Query. */
export const changeSetSk = (fromVersion: number, toVersion: number): string =>
  `${String(fromVersion).padStart(VERSION_DIGITS, '0')}#${String(toVersion).padStart(VERSION_DIGITS, '0')}`;
