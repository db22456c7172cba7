import { randomBytes } from 'node:crypto';
import { DocumentStore } from './engine';
import { illegalArgument, indexNotFound, OpenSearchError, UnsupportedError } from './errors';
import { globToRegExp } from './glob';
import { type JsonObject } from './json';
import { emptyMapping, type FieldMapper, fieldPaths, type RootMapping } from './mappings';
import { IndexSettings } from './settings';

/**
 * The cluster's metadata: indices (settings, mapping, aliases, documents) and how names resolve,
 * after IndexNameExpressionResolver: an alias stands for its indices, a write through an alias
 * goes to its write index, `*` globs and `_all` expand, a missing concrete name is
 * index_not_found_exception.
 */
export interface AliasMetadata {
  readonly filter: JsonObject | undefined;
  readonly isWriteIndex: boolean | undefined;
}

export class IndexState {
  readonly uuid = randomBytes(16).toString('base64url').slice(0, 22);
  readonly createdAt: number;
  readonly settings: IndexSettings;
  readonly aliases = new Map<string, AliasMetadata>();
  readonly store: DocumentStore;
  private currentMapping: RootMapping = emptyMapping();
  private paths: Map<string, FieldMapper> | undefined;

  constructor(
    readonly name: string,
    settings: Map<string, string | null>,
    now: () => number,
  ) {
    this.createdAt = now();
    this.settings = new IndexSettings(name, this.uuid, this.createdAt, settings);
    this.store = new DocumentStore(name, this.uuid, now);
  }

  get mapping(): RootMapping {
    return this.currentMapping;
  }

  set mapping(mapping: RootMapping) {
    this.currentMapping = mapping;
    this.paths = undefined;
  }

  /** Searchable field paths (cached until the mapping changes). */
  get fields(): Map<string, FieldMapper> {
    this.paths ??= fieldPaths(this.currentMapping);
    return this.paths;
  }

  get gcDeletesMs(): number {
    return this.settings.timeMs('index.gc_deletes');
  }

  get coerceByDefault(): boolean {
    return this.settings.get('index.mapping.coerce') !== 'false';
  }
}

/** One index a read targets, with the alias filters that apply (undefined: all documents). */
export interface ReadTarget {
  readonly index: IndexState;
  readonly filters: readonly JsonObject[] | undefined;
}

/** MetadataCreateIndexService#validateIndexOrAliasName (plus the lowercase rule that only index names have). */
export function validateName(name: string, kind: 'index' | 'alias'): void {
  const fail = (reason: string) =>
    kind === 'index'
      ? new OpenSearchError(400, 'invalid_index_name_exception', `Invalid index name [${name}], ${reason}`, { index_uuid: '_na_', index: name })
      : new OpenSearchError(400, 'invalid_alias_name_exception', `Invalid alias name [${name}], ${reason}`);
  if (name === '') throw fail('must not be empty');
  if (/[\\/*?"<>| ,]/.test(name)) throw fail('must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?]');
  if (name.includes('#')) throw fail("must not contain '#'");
  if (name.includes(':')) throw fail("must not contain ':'");
  if (/^[_\-+]/.test(name)) throw fail("must not start with '_', '-', or '+'");
  if (Buffer.byteLength(name) > 255) throw fail(`index name is too long, (${Buffer.byteLength(name)} > 255)`);
  if (name === '.' || name === '..') throw fail("must not be '.' or '..'");
  if (kind === 'index' && name.toLowerCase() !== name) throw fail('must be lowercase');
}

export class Cluster {
  readonly indices = new Map<string, IndexState>();

  constructor(readonly now: () => number) {}

  /** The indices an alias points to. */
  aliasIndices(alias: string): IndexState[] {
    return [...this.indices.values()].filter((index) => index.aliases.has(alias));
  }

  hasAlias(name: string): boolean {
    return this.aliasIndices(name).length > 0;
  }

  allAliases(): Set<string> {
    return new Set([...this.indices.values()].flatMap((index) => [...index.aliases.keys()]));
  }

  /** `HEAD /{index}`: every part names an index or alias (globs must match something). */
  exists(expression: string): boolean {
    try {
      return this.resolveRead(expression).length > 0;
    } catch (error) {
      if (error instanceof OpenSearchError && error.status === 404) return false;
      throw error;
    }
  }

  /**
   * The indices and alias filters a read (search, count, get index) targets. An index named
   * directly, or through an alias without a filter, is read whole; otherwise the alias filters
   * are OR-ed (AliasFilter in OpenSearch).
   * @throws index_not_found_exception for a concrete name that is neither index nor alias
   */
  resolveRead(expression: string): ReadTarget[] {
    const filters = new Map<IndexState, JsonObject[] | undefined>();
    const add = (index: IndexState, filter: JsonObject | undefined) => {
      if (!filters.has(index)) filters.set(index, []);
      const list = filters.get(index);
      if (list === undefined) return;
      if (filter === undefined) filters.set(index, undefined);
      else list.push(filter);
    };
    const addAlias = (alias: string) => {
      for (const index of this.aliasIndices(alias)) add(index, index.aliases.get(alias)?.filter);
    };
    for (const part of expression.split(',')) {
      if (part.startsWith('-')) throw new UnsupportedError('illegal_argument_exception', `index exclusion [${part}] in [${expression}]`);
      if (part === '_all' || part === '*') {
        for (const index of this.indices.values()) add(index, undefined);
      } else if (part.includes('*')) {
        const pattern = globToRegExp(part);
        for (const index of this.indices.values()) if (pattern.test(index.name)) add(index, undefined);
        for (const alias of this.allAliases()) if (pattern.test(alias)) addAlias(alias);
      } else {
        const index = this.indices.get(part);
        if (index !== undefined) add(index, undefined);
        else if (this.hasAlias(part)) addAlias(part);
        else throw indexNotFound(part);
      }
    }
    return [...filters.entries()].map(([index, list]) => ({ index, filters: list }));
  }

  /**
   * The index a write to `name` goes to (IndexAbstraction#getWriteIndex), or undefined when
   * there is no such index or alias.
   * @throws illegal_argument_exception for an alias without a single write index
   */
  resolveWrite(name: string): IndexState | undefined {
    const index = this.indices.get(name);
    if (index !== undefined) return index;
    const targets = this.aliasIndices(name);
    if (targets.length === 0) return undefined;
    const designated = targets.filter((target) => target.aliases.get(name)?.isWriteIndex === true);
    if (designated.length === 1) return designated[0];
    const only = targets.length === 1 ? targets[0] : undefined;
    if (only !== undefined && only.aliases.get(name)?.isWriteIndex !== false) return only;
    throw illegalArgument(
      `no write index is defined for alias [${name}]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index`,
    );
  }

  /**
   * The single index a realtime GET by id reads.
   * @throws index_not_found_exception, or illegal_argument_exception for an alias of several indices
   */
  resolveSingle(name: string): IndexState {
    const index = this.indices.get(name);
    if (index !== undefined) return index;
    const targets = this.aliasIndices(name);
    if (targets.length === 0) throw indexNotFound(name);
    if (targets.length > 1) {
      throw illegalArgument(
        `alias [${name}] has more than one index associated with it [${targets.map((t) => t.name).join(', ')}], can't execute a single index op`,
      );
    }
    return targets[0] as IndexState;
  }

  /** Concrete indices for an admin API (`_mapping`, `_settings`, `_refresh`, DELETE): aliases stand for their indices. */
  resolveConcrete(expression: string): IndexState[] {
    return this.resolveRead(expression).map((target) => target.index);
  }
}
