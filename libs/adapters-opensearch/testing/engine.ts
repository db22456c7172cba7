import { type IndexedFields } from './document';
import { OpenSearchError, shardMetadata } from './errors';
import { type JsonObject } from './json';
import { explainConflictForWrites, isVersionConflictForWrites, NOT_FOUND, UNASSIGNED_SEQ_NO, updateVersion, type VersionType } from './versioning';

/**
 * One index's documents, modelled on a single shard's InternalEngine:
 * - writes are planned like IndexingStrategyPlanner / DeletionStrategyPlanner#planOperationAsPrimary
 *   (if_seq_no checks, then VersionType#isVersionConflictForWrites against the current version);
 * - the current version comes from InternalEngine#resolveDocVersion: the live document, else a
 *   delete tombstone of the LiveVersionMap that is forgotten once
 *   `now - deleteTime > index.gc_deletes` (elastic/elasticsearch#21095: after that a stale
 *   external write is accepted and the document comes back);
 * - every delete leaves a tombstone, also for a document that was not there (the delete is
 *   processed and its version recorded; the result is just "not_found");
 * - search sees the documents as of the last refresh (near real time); GET by id is realtime.
 */
export interface StoredDoc {
  readonly id: string;
  readonly source: JsonObject;
  readonly version: number;
  readonly seqNo: number;
  readonly primaryTerm: number;
  readonly indexed: IndexedFields;
}

export interface Tombstone {
  readonly id: string;
  readonly version: number;
  readonly seqNo: number;
  readonly primaryTerm: number;
  /** When the delete happened, on the server's clock. */
  readonly deletedAt: number;
}

export interface EngineWrite {
  readonly id: string;
  readonly versionType: VersionType;
  /** MATCH_ANY, MATCH_DELETED (create) or the version given. */
  readonly version: number;
  readonly ifSeqNo: number;
  readonly ifPrimaryTerm: number;
}

export interface WriteResult {
  readonly result: 'created' | 'updated' | 'deleted' | 'not_found';
  readonly status: 200 | 201 | 404;
  readonly version: number;
  readonly seqNo: number;
  readonly primaryTerm: number;
}

interface Current {
  readonly version: number;
  readonly seqNo: number;
  readonly primaryTerm: number;
  /** A tombstone, not a live document. */
  readonly deleted: boolean;
}

const PRIMARY_TERM = 1;

/** After this long without a search a shard stops its scheduled refreshes (index.search.idle.after, default 30s). */
const SEARCH_IDLE_AFTER_MS = 30_000;

export class DocumentStore {
  private readonly live = new Map<string, StoredDoc>();
  private readonly tombstones = new Map<string, Tombstone>();
  /** What search sees: the live documents as of the last refresh. */
  private readonly searchable = new Map<string, StoredDoc>();
  /** Changes not yet refreshed, in the order they happened. */
  private pending: { readonly at: number; readonly id: string; readonly doc: StoredDoc | undefined }[] = [];
  private nextSeqNo = 0;
  private lastRefreshAt: number;
  private lastSearchAt: number;

  constructor(
    private readonly index: string,
    private readonly uuid: string,
    private readonly now: () => number,
  ) {
    this.lastRefreshAt = now();
    this.lastSearchAt = this.lastRefreshAt;
  }

  /** InternalEngine#resolveDocVersion: the live version, a remembered delete, or nothing. */
  private resolve(id: string, gcDeletesMs: number): Current | undefined {
    const doc = this.live.get(id);
    if (doc !== undefined) return { version: doc.version, seqNo: doc.seqNo, primaryTerm: doc.primaryTerm, deleted: false };
    const tombstone = this.tombstones.get(id);
    if (tombstone === undefined) return undefined;
    if (this.now() - tombstone.deletedAt > gcDeletesMs) {
      // Pruned (LiveVersionMap#pruneTombstones); Lucene holds no live copy, so the id is unknown again.
      this.tombstones.delete(id);
      return undefined;
    }
    return { version: tombstone.version, seqNo: tombstone.seqNo, primaryTerm: tombstone.primaryTerm, deleted: true };
  }

  /** The version conflict a write runs into, if any (checked in the order of the strategy planners). */
  private conflict(write: EngineWrite, current: Current | undefined): OpenSearchError | undefined {
    const currentVersion = current?.version ?? NOT_FOUND;
    const deleted = current === undefined || current.deleted;
    let explanation: string | undefined;
    if (write.ifSeqNo !== UNASSIGNED_SEQ_NO) {
      const required = `required seqNo [${write.ifSeqNo}], primary term [${write.ifPrimaryTerm}].`;
      if (current === undefined || current.deleted) explanation = `${required} but no document was found`;
      else if (current.seqNo !== write.ifSeqNo || current.primaryTerm !== write.ifPrimaryTerm) {
        explanation = `${required} current document has seqNo [${current.seqNo}] and primary term [${current.primaryTerm}]`;
      }
    } else if (isVersionConflictForWrites(write.versionType, currentVersion, write.version, deleted)) {
      explanation = explainConflictForWrites(write.versionType, currentVersion, write.version);
    }
    if (explanation === undefined) return undefined;
    return new OpenSearchError(
      409,
      'version_conflict_engine_exception',
      `[${write.id}]: version conflict, ${explanation}`,
      shardMetadata(this.index, this.uuid),
    );
  }

  /** Index (or create) a parsed document. @returns the result, or the version conflict */
  put(write: EngineWrite, source: JsonObject, indexed: IndexedFields, gcDeletesMs: number): WriteResult | OpenSearchError {
    const current = this.resolve(write.id, gcDeletesMs);
    const conflict = this.conflict(write, current);
    if (conflict !== undefined) return conflict;
    const created = current === undefined || current.deleted;
    const version = updateVersion(write.versionType, current?.version ?? NOT_FOUND, write.version);
    const doc: StoredDoc = { id: write.id, source, version, seqNo: this.nextSeqNo++, primaryTerm: PRIMARY_TERM, indexed };
    this.live.set(write.id, doc);
    this.tombstones.delete(write.id);
    this.pending.push({ at: this.now(), id: write.id, doc });
    return { result: created ? 'created' : 'updated', status: created ? 201 : 200, version, seqNo: doc.seqNo, primaryTerm: PRIMARY_TERM };
  }

  /** Delete by id. A missing document is "not_found", yet its tombstone is recorded all the same. */
  delete(write: EngineWrite, gcDeletesMs: number): WriteResult | OpenSearchError {
    const current = this.resolve(write.id, gcDeletesMs);
    const conflict = this.conflict(write, current);
    if (conflict !== undefined) return conflict;
    const found = current !== undefined && !current.deleted;
    const version = updateVersion(write.versionType, current?.version ?? NOT_FOUND, write.version);
    const tombstone: Tombstone = { id: write.id, version, seqNo: this.nextSeqNo++, primaryTerm: PRIMARY_TERM, deletedAt: this.now() };
    this.live.delete(write.id);
    this.tombstones.set(write.id, tombstone);
    this.pending.push({ at: tombstone.deletedAt, id: write.id, doc: undefined });
    return { result: found ? 'deleted' : 'not_found', status: found ? 200 : 404, version, seqNo: tombstone.seqNo, primaryTerm: PRIMARY_TERM };
  }

  /** GET by id: realtime reads the latest write, otherwise what the last refresh made searchable. */
  get(id: string, realtime: boolean): StoredDoc | undefined {
    return realtime ? this.live.get(id) : this.searchable.get(id);
  }

  /** Makes every write so far searchable (`_refresh`, `?refresh=true|wait_for`). */
  refresh(): void {
    this.applyPending(Number.POSITIVE_INFINITY);
    this.lastRefreshAt = this.now();
  }

  /**
   * What a search sees now. Scheduled refreshes are evaluated lazily: the last one that has
   * happened by now (every `refresh_interval` since the previous refresh; never with -1) shows
   * what was written before it. A search-idle shard (no search for 30s, only while
   * refresh_interval is not set explicitly) refreshes on the search itself, as OpenSearch does.
   */
  searchView(refreshIntervalMs: number, intervalExplicit: boolean): Iterable<StoredDoc> {
    const now = this.now();
    if (!intervalExplicit && now - this.lastSearchAt >= SEARCH_IDLE_AFTER_MS) this.refresh();
    else if (refreshIntervalMs === 0) this.refresh();
    else if (refreshIntervalMs > 0 && now - this.lastRefreshAt >= refreshIntervalMs) {
      const boundary = this.lastRefreshAt + Math.floor((now - this.lastRefreshAt) / refreshIntervalMs) * refreshIntervalMs;
      this.applyPending(boundary);
      this.lastRefreshAt = boundary;
    }
    this.lastSearchAt = now;
    return this.searchable.values();
  }

  private applyPending(upTo: number): void {
    const keep: typeof this.pending = [];
    for (const change of this.pending) {
      if (change.at > upTo) {
        keep.push(change);
        continue;
      }
      // An update is a new Lucene document: it moves to the end of the index order.
      this.searchable.delete(change.id);
      if (change.doc !== undefined) this.searchable.set(change.id, change.doc);
    }
    this.pending = keep;
  }

  /** Live documents, sorted by id (for `inspect.documents`). */
  liveDocuments(): StoredDoc[] {
    return [...this.live.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Tombstones still remembered now (for `inspect.tombstones`). */
  rememberedTombstones(gcDeletesMs: number): Tombstone[] {
    const now = this.now();
    return [...this.tombstones.values()].filter((t) => now - t.deletedAt <= gcDeletesMs).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get docCount(): number {
    return this.live.size;
  }
}
