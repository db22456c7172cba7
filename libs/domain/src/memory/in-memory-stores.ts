import type { ChangeSetRecord, IndexEntry, RawRecord, SliceRecord } from '../ports/records';
import type {
  ActiveVersionStore,
  ChangeSetStore,
  IndexPage,
  IndexStore,
  PutIfAbsentResult,
  RawStore,
  SliceExpectation,
  SliceStore,
} from '../ports/stores';
import { compareStrings, lowerBound } from './sorted';

/**
 * Store ports held in memory: the reference implementation every storage adapter must agree
 * with, used by the property suite, the benchmark and in-process embedding. Each counts its
 * writes so tests can assert "nothing more was written".
 */
const byVersion = (a: { version: number }, b: { version: number }): number => a.version - b.version;

export class InMemoryRawStore implements RawStore {
  private readonly records = new Map<string, RawRecord[]>();
  writes = 0;

  async putIfAbsent(record: RawRecord): Promise<PutIfAbsentResult<RawRecord>> {
    const list = this.listOf(record.tenantId, record.entityKey, true);
    const at = lowerBound(list, record, byVersion);
    const existing = list[at];
    if (existing?.version === record.version) return { stored: false, existing };
    list.splice(at, 0, record);
    this.writes++;
    return { stored: true };
  }

  async get(tenantId: string, entityKey: string, version: number): Promise<RawRecord | undefined> {
    const list = this.listOf(tenantId, entityKey, false);
    const found = list[lowerBound(list, { version }, byVersion)];
    return found?.version === version ? found : undefined;
  }

  async latest(tenantId: string, entityKey: string): Promise<RawRecord | undefined> {
    const list = this.listOf(tenantId, entityKey, false);
    return list[list.length - 1];
  }

  async latestMany(tenantId: string, entityKeys: readonly string[]): Promise<ReadonlyMap<string, RawRecord>> {
    const out = new Map<string, RawRecord>();
    for (const key of entityKeys) {
      const list = this.listOf(tenantId, key, false);
      const last = list[list.length - 1];
      if (last) out.set(key, last);
    }
    return out;
  }

  /** Every entity key of a tenant, ascending (for tests and FULL comparisons, never a hot path). */
  entityKeys(tenantId: string): string[] {
    const prefix = `${tenantId}\u0000`;
    return [...this.records.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)).sort(compareStrings);
  }

  private listOf(tenantId: string, entityKey: string, create: boolean): RawRecord[] {
    const key = `${tenantId}\u0000${entityKey}`;
    let list = this.records.get(key);
    if (!list) {
      list = [];
      if (create) this.records.set(key, list);
    }
    return list;
  }
}

export class InMemoryChangeSetStore implements ChangeSetStore {
  private readonly records = new Map<string, ChangeSetRecord>();
  writes = 0;

  async putIfAbsent(record: ChangeSetRecord): Promise<PutIfAbsentResult<ChangeSetRecord>> {
    const key = this.key(record.tenantId, record.entityKey, record.fromVersion, record.toVersion);
    const existing = this.records.get(key);
    if (existing) return { stored: false, existing };
    this.records.set(key, record);
    this.writes++;
    return { stored: true };
  }

  async get(tenantId: string, entityKey: string, fromVersion: number, toVersion: number): Promise<ChangeSetRecord | undefined> {
    return this.records.get(this.key(tenantId, entityKey, fromVersion, toVersion));
  }

  private key(tenantId: string, entityKey: string, fromVersion: number, toVersion: number): string {
    return `${tenantId}\u0000${entityKey}\u0000${fromVersion}\u0000${toVersion}`;
  }
}

export class InMemorySliceStore implements SliceStore {
  private readonly records = new Map<string, SliceRecord[]>();
  /** Every successful put, in order (tests read it to check what a step wrote). */
  readonly log: SliceRecord[] = [];
  writes = 0;

  constructor(private readonly options: { readonly keepLog?: boolean } = {}) {}

  async effective(tenantId: string, entityKey: string, version: number, sliceTypes: readonly string[]): Promise<ReadonlyMap<string, SliceRecord>> {
    const out = new Map<string, SliceRecord>();
    for (const type of sliceTypes) {
      const list = this.records.get(this.key(tenantId, entityKey, type));
      if (!list) continue;
      const at = lowerBound(list, { version: version + 1 }, byVersion) - 1;
      const found = list[at];
      if (found) out.set(type, found);
    }
    return out;
  }

  async put(record: SliceRecord, expected: SliceExpectation): Promise<boolean> {
    const key = this.key(record.tenantId, record.entityKey, record.sliceType);
    let list = this.records.get(key);
    if (!list) this.records.set(key, (list = []));
    const at = lowerBound(list, record, byVersion);
    const existing = list[at]?.version === record.version ? list[at] : undefined;
    if ('absent' in expected ? existing !== undefined : existing?.hash !== expected.hash) return false;
    list.splice(at, existing ? 1 : 0, record);
    this.writes++;
    if (this.options.keepLog) this.log.push(record);
    return true;
  }

  private key(tenantId: string, entityKey: string, sliceType: string): string {
    return `${tenantId}\u0000${entityKey}\u0000${sliceType}`;
  }
}

export class InMemoryIndexStore implements IndexStore {
  private readonly entries = new Map<string, string[]>();
  writes = 0;

  async add(tenantId: string, entries: readonly IndexEntry[]): Promise<void> {
    for (const entry of entries) {
      const key = `${tenantId}\u0000${entry.indexKey}`;
      let list = this.entries.get(key);
      if (!list) this.entries.set(key, (list = []));
      const at = lowerBound(list, entry.entityKey, compareStrings);
      if (list[at] !== entry.entityKey) {
        list.splice(at, 0, entry.entityKey);
        this.writes++;
      }
    }
  }

  async remove(tenantId: string, entries: readonly IndexEntry[]): Promise<void> {
    for (const entry of entries) {
      const key = `${tenantId}\u0000${entry.indexKey}`;
      const list = this.entries.get(key);
      if (!list) continue;
      const at = lowerBound(list, entry.entityKey, compareStrings);
      if (list[at] === entry.entityKey) {
        list.splice(at, 1);
        this.writes++;
        if (list.length === 0) this.entries.delete(key);
      }
    }
  }

  async lookup(tenantId: string, indexKey: string, page: { readonly limit: number; readonly after?: string }): Promise<IndexPage> {
    const list = this.entries.get(`${tenantId}\u0000${indexKey}`) ?? [];
    const start = page.after === undefined ? 0 : lowerBound(list, `${page.after}\u0000`, compareStrings);
    const entityKeys = list.slice(start, start + page.limit);
    const last = entityKeys[entityKeys.length - 1];
    return start + page.limit < list.length && last !== undefined ? { entityKeys, next: last } : { entityKeys };
  }

  /** Every entry of a tenant, sorted (for tests). */
  all(tenantId: string): IndexEntry[] {
    const prefix = `${tenantId}\u0000`;
    const out: IndexEntry[] = [];
    for (const [key, list] of this.entries) {
      if (!key.startsWith(prefix)) continue;
      for (const entityKey of list) out.push({ indexKey: key.slice(prefix.length), entityKey });
    }
    return out.sort((a, b) => compareStrings(a.indexKey, b.indexKey) || compareStrings(a.entityKey, b.entityKey));
  }
}

export class InMemoryActiveVersionStore implements ActiveVersionStore {
  private readonly versions = new Map<string, number>();

  async get(tenantId: string, entityKey: string): Promise<number | undefined> {
    return this.versions.get(`${tenantId}\u0000${entityKey}`);
  }

  async set(tenantId: string, entityKey: string, version: number): Promise<void> {
    this.versions.set(`${tenantId}\u0000${entityKey}`, version);
  }
}

/** A fresh set of in-memory stores. */
export function createInMemoryStores(options: { readonly keepSliceLog?: boolean } = {}) {
  return {
    raw: new InMemoryRawStore(),
    changeSets: new InMemoryChangeSetStore(),
    slices: new InMemorySliceStore({ keepLog: options.keepSliceLog ?? false }),
    index: new InMemoryIndexStore(),
    active: new InMemoryActiveVersionStore(),
  };
}

export type InMemoryStores = ReturnType<typeof createInMemoryStores>;
