import { type ChangeSetContracts } from '@ivm/domain';

/**
 * Key design (SPEC §7). Partition keys always carry the entity or index key, never the tenant
 * alone, so one tenant's catalog spreads over many partitions. The parts are joined with '#':
 * tenant ids cannot contain '#' and an entity key is exactly `{entityType}#{entityId}` with no
 * '#' in the id, so every key splits back unambiguously.
 *
 * | table       | PK (S)                                   | SK                                                     |
 * |-------------|------------------------------------------|--------------------------------------------------------|
 * | raw         | `{tenant}#{entityKey}`                   | version (N)                                            |
 * | heads       | `{tenant}#{entityKey}`                   | —                                                      |
 * | change sets | `{tenant}#{entityKey}`                   | `{from}#{to}#{schema}@{v}#{ruleSet}@{v}` (S, padded)   |
 * | slices      | `{tenant}#{entityKey}#{sliceType}`       | version (N)                                            |
 * | index       | `{tenant}#{indexKey}`                    | entityKey (S)                                          |
 */

export interface TableNames {
  readonly raw: string;
  readonly heads: string;
  readonly changeSets: string;
  readonly slices: string;
  readonly index: string;
}

export function tableNames(prefix: string): TableNames {
  return {
    raw: `${prefix}raw`,
    heads: `${prefix}heads`,
    changeSets: `${prefix}change-sets`,
    slices: `${prefix}slices`,
    index: `${prefix}index`,
  };
}

export const entityPk = (tenantId: string, entityKey: string): string => `${tenantId}#${entityKey}`;

export const slicePk = (tenantId: string, entityKey: string, sliceType: string): string => `${tenantId}#${entityKey}#${sliceType}`;

export const indexPk = (tenantId: string, indexKey: string): string => `${tenantId}#${indexKey}`;

/** Digits of Number.MAX_SAFE_INTEGER: zero-padding to it makes string order equal numeric order. */
const VERSION_DIGITS = 16;

/** A table of an earlier key layout: data directories that still have it must be migrated or removed. */
export const retiredTables = (prefix: string): string[] => [`${prefix}active-versions`];

/**
 * `{from}#{to}#{schema}@{version}#{ruleSet}@{version}`, versions zero-padded so change sets of
 * an entity sort by version in a Query; contract ids and SemVer versions contain no '#'.
 */
export const changeSetSk = (fromVersion: number, toVersion: number, { schemaRef, ruleSetRef }: ChangeSetContracts): string =>
  `${String(fromVersion).padStart(VERSION_DIGITS, '0')}#${String(toVersion).padStart(VERSION_DIGITS, '0')}#${schemaRef.id}@${schemaRef.version}#${ruleSetRef.id}@${ruleSetRef.version}`;
