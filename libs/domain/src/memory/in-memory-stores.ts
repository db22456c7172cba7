import type { ChangeSetRecord, EntityHead, IndexEntry, RawRecord, SliceKey, SliceRecord, SlicingState } from '../ports/records';
import type {
  AppendResult,
  ChangeSetContracts,
  ChangeSetStore,
  HeadStore,
  IndexPage,
  IndexStore,
  PutIfAbsentResult,
  RawStore,
  SliceExpectation,
  SliceStore,
  SliceWrite,
  Stores,
} from '../ports/stores';
import { canonicalJson } from '../canonical/canonical-json';
import { sameSliceSet } from '../slicing/slice-sets';
import { compareStrings, lowerBoundString, lowerBoundVersion } from './sorted';

const newList = <T>(): T[] => [];

/** tenant → key → value: no per-call key concatenation on the hot path. */
class TenantMap<V> {
  private readonly tenants = new Map<string, Map<string, V>>();

  get(tenantId: string, key: string): V | undefined {
    return this.tenants.get(tenantId)?.get(key);
  }

  set(tenantId: string, key: string, value: V): void {
    let keys = this.tenants.get(tenantId);
    if (!keys) this.tenants.set(tenantId, (keys = new Map()));
    keys.set(key, value);
  }

  /** The value under the key, created first when absent (pass a module-level factory: no allocation per call). */
  getOrCreate(tenantId: string, key: string, create: () => V): V {
    let keys = this.tenants.get(tenantId);
    if (!keys) this.tenants.set(tenantId, (keys = new Map()));
    let value = keys.get(key);
    if (value === undefined) keys.set(key, (value = create()));
    return value;
  }

  /** The tenant's own map (created when `create`), for calls that touch many keys. */
  tenant(tenantId: string, create: true): Map<string, V>;
  tenant(tenantId: string, create: false): Map<string, V> | undefined;
  tenant(tenantId: string, create: boolean): Map<string, V> | undefined {
    let keys = this.tenants.get(tenantId);
    if (!keys && create) this.tenants.set(tenantId, (keys = new Map()));
    return keys;
  }

  entries(tenantId: string): IterableIterator<[string, V]> {
    return (this.tenants.get(tenantId) ?? new Map<string, V>()).entries();
  }
}

/**
 * Store ports held in memory: the reference implementation every storage adapter must agree
 * with, used by the property suite, the benchmark and in-process embedding. Each counts its
 * writes so tests can assert "nothing more was written".
 */
const NO_RECORDS: RawRecord[] = [];

export class InMemoryHeadStore implements HeadStore {
  private readonly heads = new TenantMap<EntityHead>();
  /** Commits that changed the slicing state (raw appends update heads too, but count as raw writes). */
  writes = 0;
  /** Commits that only moved the revision (a fan-out visiting a parent it had nothing to change in). */
  touches = 0;

  async get(tenantId: string, entityKey: string): Promise<EntityHead | undefined> {
    return this.heads.get(tenantId, entityKey);
  }

  async getMany(tenantId: string, entityKeys: readonly string[]): Promise<ReadonlyMap<string, EntityHead>> {
    const out = new Map<string, EntityHead>();
    const tenant = this.heads.tenant(tenantId, false);
    if (!tenant) return out;
    for (const key of entityKeys) {
      const head = tenant.get(key);
      if (head) out.set(key, head);
    }
    return out;
  }

  async commit(tenantId: string, entityKey: string, expectedRevision: number, state: SlicingState): Promise<boolean> {
    const head = this.heads.get(tenantId, entityKey);
    if (head?.revision !== expectedRevision) return false;
    const { sliced: _sliced, active: _active, ...raw } = head;
    this.heads.set(tenantId, entityKey, { ...raw, ...state, revision: expectedRevision + 1 });
    if (sameSliceSet(head.sliced, state.sliced) && sameSliceSet(head.active, state.active)) this.touches++;
    else this.writes++;
    return true;
  }

  /** The raw part of an append (called by the raw store in the same synchronous step). */
  recordLatest(record: RawRecord): void {
    const head = this.heads.get(record.tenantId, record.entityKey);
    this.heads.set(
      record.tenantId,
      record.entityKey,
      head ? { ...head, latest: record } : { tenantId: record.tenantId, entityKey: record.entityKey, latest: record, revision: 0 },
    );
  }

  /** Every entity key of a tenant with a head, ascending (for tests and FULL comparisons, never a hot path). */
  entityKeys(tenantId: string): string[] {
    return [...this.heads.entries(tenantId)].map(([key]) => key).sort(compareStrings);
  }
}

export class InMemoryRawStore implements RawStore {
  private readonly records = new TenantMap<RawRecord[]>();
  writes = 0;
  /** Calls of `get` (tests count the raw reads a slicing saves). */
  reads = 0;

  constructor(private readonly heads: InMemoryHeadStore) {}

  /** Atomic by construction: the checks and both writes happen in one synchronous step. */
  async append(record: RawRecord): Promise<AppendResult> {
    const list = this.listOf(record.tenantId, record.entityKey, true);
    const at = lowerBoundVersion(list, record.version);
    const existing = list[at];
    if (existing?.version === record.version) return { outcome: 'exists', existing };
    const latest = list[list.length - 1];
    if (latest && latest.version >= record.version) return { outcome: 'not-newer', latest: latest.version };
    if (record.deleted && (!latest || latest.deleted)) return { outcome: 'nothing-to-delete' };
    list.splice(at, 0, record);
    this.heads.recordLatest(record);
    this.writes++;
    return { outcome: 'stored' };
  }

  async get(tenantId: string, entityKey: string, version: number): Promise<RawRecord | undefined> {
    this.reads++;
    const list = this.listOf(tenantId, entityKey, false);
    const found = list[lowerBoundVersion(list, version)];
    return found?.version === version ? found : undefined;
  }

  private listOf(tenantId: string, entityKey: string, create: boolean): RawRecord[] {
    return create ? this.records.getOrCreate(tenantId, entityKey, newList) : (this.records.get(tenantId, entityKey) ?? NO_RECORDS);
  }
}

export class InMemoryChangeSetStore implements ChangeSetStore {
  private readonly records = new Map<string, ChangeSetRecord>();
  writes = 0;

  async putIfAbsent(record: ChangeSetRecord): Promise<PutIfAbsentResult<ChangeSetRecord>> {
    const key = this.key(record.tenantId, record.entityKey, record.fromVersion, record.toVersion, record);
    const existing = this.records.get(key);
    if (existing) return { stored: false, existing };
    this.records.set(key, record);
    this.writes++;
    return { stored: true };
  }

  async get(tenantId: string, entityKey: string, fromVersion: number, toVersion: number, contracts: ChangeSetContracts): Promise<ChangeSetRecord | undefined> {
    return this.records.get(this.key(tenantId, entityKey, fromVersion, toVersion, contracts));
  }

  private key(tenantId: string, entityKey: string, fromVersion: number, toVersion: number, { schemaRef, ruleSetRef }: ChangeSetContracts): string {
    return [tenantId, entityKey, fromVersion, toVersion, schemaRef.id, schemaRef.version, ruleSetRef.id, ruleSetRef.version].join('\u0000');
  }
}

export class InMemorySliceStore implements SliceStore {
  /** tenant → entity key → slice type → versions ascending. */
  private readonly records = new TenantMap<Map<string, SliceRecord[]>>();
  /** Every successful put, in order (tests read it to check what a step wrote). */
  readonly log: SliceRecord[] = [];
  writes = 0;

  constructor(private readonly options: { readonly keepLog?: boolean } = {}) {}

  async effective(tenantId: string, entityKey: string, version: number, sliceTypes: readonly string[]): Promise<ReadonlyMap<string, SliceRecord>> {
    const out = new Map<string, SliceRecord>();
    const byType = this.records.get(tenantId, entityKey);
    if (!byType) return out;
    for (const type of sliceTypes) {
      const list = byType.get(type);
      const found = list?.[lowerBoundVersion(list, version + 1) - 1];
      if (found) out.set(type, found);
    }
    return out;
  }

  async get(tenantId: string, keys: readonly SliceKey[]): Promise<readonly (SliceRecord | undefined)[]> {
    return keys.map(({ entityKey, version, sliceType }) => {
      const list = this.records.get(tenantId, entityKey)?.get(sliceType);
      const found = list?.[lowerBoundVersion(list, version)];
      return found?.version === version ? found : undefined;
    });
  }

  async put(writes: readonly SliceWrite[]): Promise<readonly SliceWrite[]> {
    const conflicts: SliceWrite[] = [];
    // Writes come grouped by entity; resolve each tenant and entity once per run of writes.
    let tenant: Map<string, Map<string, SliceRecord[]>> | undefined;
    let tenantId: string | undefined;
    let byType: Map<string, SliceRecord[]> | undefined;
    let entityKey: string | undefined;
    for (const write of writes) {
      const { record } = write;
      if (record.tenantId !== tenantId) {
        tenantId = record.tenantId;
        tenant = this.records.tenant(tenantId, true);
        entityKey = undefined;
      }
      if (record.entityKey !== entityKey) {
        entityKey = record.entityKey;
        byType = (tenant as Map<string, Map<string, SliceRecord[]>>).get(entityKey);
        if (!byType) (tenant as Map<string, Map<string, SliceRecord[]>>).set(entityKey, (byType = new Map()));
      }
      if (!this.putOne(byType as Map<string, SliceRecord[]>, record, write.expected)) conflicts.push(write);
    }
    return conflicts;
  }

  private putOne(byType: Map<string, SliceRecord[]>, record: SliceRecord, expected: SliceExpectation): boolean {
    let list = byType.get(record.sliceType);
    if (!list) byType.set(record.sliceType, (list = []));
    const at = lowerBoundVersion(list, record.version);
    const existing = list[at]?.version === record.version ? list[at] : undefined;
    if ('absent' in expected ? existing !== undefined : existing?.hash !== expected.hash) return false;
    if ('hash' in expected && expected.inputVector !== undefined && canonicalJson(existing?.inputVector ?? null) !== canonicalJson(expected.inputVector))
      return false;
    list.splice(at, existing ? 1 : 0, record);
    this.writes++;
    if (this.options.keepLog) this.log.push(record);
    return true;
  }
}

export class InMemoryIndexStore implements IndexStore {
  /** tenant → index key → entity keys ascending. */
  private readonly entries = new TenantMap<string[]>();
  writes = 0;

  async add(tenantId: string, entries: readonly IndexEntry[]): Promise<void> {
    const tenant = this.entries.tenant(tenantId, true);
    for (const entry of entries) {
      let list = tenant.get(entry.indexKey);
      if (!list) tenant.set(entry.indexKey, (list = []));
      const at = lowerBoundString(list, entry.entityKey);
      if (list[at] !== entry.entityKey) {
        list.splice(at, 0, entry.entityKey);
        this.writes++;
      }
    }
  }

  async remove(tenantId: string, entries: readonly IndexEntry[]): Promise<void> {
    const tenant = this.entries.tenant(tenantId, false);
    if (!tenant) return;
    for (const entry of entries) {
      const list = tenant.get(entry.indexKey);
      if (!list) continue;
      const at = lowerBoundString(list, entry.entityKey);
      if (list[at] === entry.entityKey) {
        list.splice(at, 1);
        this.writes++;
        if (list.length === 0) tenant.delete(entry.indexKey);
      }
    }
  }

  async lookup(tenantId: string, indexKey: string, page: { readonly limit: number; readonly after?: string }): Promise<IndexPage> {
    const list = this.entries.get(tenantId, indexKey) ?? [];
    const start = page.after === undefined ? 0 : lowerBoundString(list, `${page.after}\u0000`);
    const entityKeys = list.slice(start, start + page.limit);
    const last = entityKeys[entityKeys.length - 1];
    return start + page.limit < list.length && last !== undefined ? { entityKeys, next: last } : { entityKeys };
  }

  /** Every entry of a tenant, sorted (for tests). */
  all(tenantId: string): IndexEntry[] {
    const out: IndexEntry[] = [];
    for (const [indexKey, list] of this.entries.entries(tenantId)) for (const entityKey of list) out.push({ indexKey, entityKey });
    return out.sort((a, b) => compareStrings(a.indexKey, b.indexKey) || compareStrings(a.entityKey, b.entityKey));
  }
}

/** The in-memory store set, with the concrete classes (tests read their write counters). */
export interface InMemoryStores extends Stores {
  readonly raw: InMemoryRawStore;
  readonly heads: InMemoryHeadStore;
  readonly changeSets: InMemoryChangeSetStore;
  readonly slices: InMemorySliceStore;
  readonly index: InMemoryIndexStore;
}

/** A fresh set of in-memory stores. */
export function createInMemoryStores(options: { readonly keepSliceLog?: boolean } = {}): InMemoryStores {
  const heads = new InMemoryHeadStore();
  return {
    raw: new InMemoryRawStore(heads),
    heads,
    changeSets: new InMemoryChangeSetStore(),
    slices: new InMemorySliceStore({ keepLog: options.keepSliceLog ?? false }),
    index: new InMemoryIndexStore(),
  };
}
