import type { JsonObject } from '../canonical/canonical-json';
import type { SinkContract } from '../contracts/model';
import type { ContractRegistry } from '../contracts/registry';
import { assertTenantId, parseEntityKey } from '../entity-keys/entity-keys';
import { ConcurrencyConflictError, InvalidKeyError, NotFoundError } from '../errors';
import { fanoutBatches, fanoutTargets } from '../fanout/plan-fanout';
import type { SliceRecord, SliceSet } from '../ports/records';
import type { HeadStore, IndexStore, SliceStore } from '../ports/stores';
import { joinView } from '../views/join-view';
import type { ShippedState } from './sink-operations';

/** Reads of one entity before a slice set that keeps disagreeing with its slices is reported as a conflict (the task retries). */
export const MAX_SHIP_READ_ATTEMPTS = 4;

/** The entity type a sink ships documents of: its view's root, or the entity type it names. */
export function sinkRootType(registry: ContractRegistry, sink: SinkContract): string {
  return 'view' in sink.source ? registry.view(sink.source.view).root : sink.source.entityType;
}

/**
 * The document a sink gets for an entity, read consistently with the head's revision (see
 * "Document revisions" in docs/deploys.md): the head (revision R, newest sliced set S), then the
 * slices S names, each checked against the hash S holds for it. A mismatch means a writer is
 * between its slice writes and its head commit, so the head is read again; after
 * MAX_SHIP_READ_ATTEMPTS reads a ConcurrencyConflictError (retried by the task). Hence the
 * document returned with revision R is exactly the document of state R.
 *
 * The document is the sink's view of S, or for a `{entityType, slices}` source the named slices'
 * data by type (null for a slice that is empty: a tombstone, or no record at all, which is how
 * the engine leaves a slice that was empty from the start). A deletion tombstones every slice,
 * so a set of tombstones only is a deleted entity: document null.
 * @throws NotFoundError when the entity has no sliced version; InvalidKeyError when it is not of the sink's root type.
 */
export async function readShippedState(
  registry: ContractRegistry,
  stores: { readonly heads: HeadStore; readonly slices: SliceStore },
  tenantId: string,
  sink: SinkContract,
  entityKey: string,
): Promise<ShippedState> {
  assertTenantId(tenantId);
  const root = sinkRootType(registry, sink);
  if (parseEntityKey(entityKey).entityType !== root) throw new InvalidKeyError(`Sink ${sink.id} ships ${root} documents, not ${entityKey}`);
  for (let attempt = 1; attempt <= MAX_SHIP_READ_ATTEMPTS; attempt++) {
    const head = await stores.heads.get(tenantId, entityKey);
    const set = head?.sliced;
    if (!head || !set) throw new NotFoundError(`${entityKey} (no sliced version)`);
    const slices = await readSet(stores.slices, tenantId, entityKey, set);
    if (!slices) continue;
    return { entityKey, version: set.version, revision: head.revision, document: documentOf(registry, sink, entityKey, set.version, slices) };
  }
  throw new ConcurrencyConflictError(
    `${entityKey}: its newest sliced slice set kept disagreeing with its slices over ${MAX_SHIP_READ_ATTEMPTS} reads (a slicing in flight)`,
  );
}

/** The slices a set names, by type; undefined when one of them is not the record the set names (its hash differs, or it is gone). */
async function readSet(store: SliceStore, tenantId: string, entityKey: string, set: SliceSet): Promise<Map<string, SliceRecord> | undefined> {
  const types = Object.keys(set.slices).sort();
  const refs = types.map((sliceType) => set.slices[sliceType] as { version: number; hash: string });
  const records =
    types.length === 0
      ? []
      : await store.get(
          tenantId,
          types.map((sliceType, i) => ({ entityKey, version: (refs[i] as { version: number }).version, sliceType })),
        );
  const out = new Map<string, SliceRecord>();
  for (const [i, type] of types.entries()) {
    const record = records[i];
    if (record?.hash !== refs[i]?.hash) return undefined;
    out.set(type, record as SliceRecord);
  }
  return out;
}

function documentOf(
  registry: ContractRegistry,
  sink: SinkContract,
  entityKey: string,
  version: number,
  slices: ReadonlyMap<string, SliceRecord>,
): JsonObject | null {
  if ([...slices.values()].every((slice) => slice.tombstone)) return null;
  if ('view' in sink.source) return joinView(registry.view(sink.source.view), entityKey, version, slices).data;
  const document: Record<string, JsonObject | null> = {};
  for (const type of sink.source.slices) {
    const slice = slices.get(type);
    document[type] = slice && !slice.tombstone ? slice.data : null;
  }
  return document;
}

/**
 * The entities whose documents in `sink` a change of `entityKey` alters, in pages: the entity
 * itself when it is of the sink's root type, and, when its type is a join target of the root
 * type's RuleSet, its parents listed under the join's index key (looked up by key, ascending,
 * in the pages the fan-out uses). Joins that feed none of the slices the sink reads are skipped.
 * A parent reached through two joins under different index keys comes once per join.
 */
export async function* shipTargets(
  registry: ContractRegistry,
  stores: { readonly index: IndexStore },
  tenantId: string,
  sink: SinkContract,
  entityKey: string,
): AsyncGenerator<readonly string[]> {
  assertTenantId(tenantId);
  const root = sinkRootType(registry, sink);
  if (parseEntityKey(entityKey).entityType === root) yield [entityKey];
  const read = new Set('view' in sink.source ? registry.view(sink.source.view).slices : sink.source.slices);
  const seen = new Set<string>();
  const targets = fanoutTargets(registry, entityKey, { everything: true }).filter((target) => {
    if (target.reference.ruleSet.entityType !== root || !target.sliceTypes.some((type) => read.has(type)) || seen.has(target.indexKey)) return false;
    seen.add(target.indexKey);
    return true;
  });
  for await (const batch of fanoutBatches(stores, tenantId, targets)) yield batch.entityKeys;
}
