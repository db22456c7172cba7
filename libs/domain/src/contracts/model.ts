import type { JsonObject } from '../canonical/canonical-json';
import type { PathSegments } from '../paths/path';

/**
 * The compiled form of the contracts. Files are parsed and validated by the ContractRegistry
 * into these shapes; everything downstream works on them, never on raw YAML.
 */
export type ContractKind = 'EntitySchema' | 'RuleSet' | 'View' | 'Sink';

export interface ContractRef {
  readonly id: string;
  readonly version: string;
}

export interface ContractSummary extends ContractRef {
  readonly kind: ContractKind;
}

/** How the ChangeSetBuilder diffs an array: as one value, or member by member keyed by a field. */
export type ArrayDiffRule = { readonly mode: 'whole' } | { readonly mode: 'keyed'; readonly key: string };

export interface EntitySchemaContract extends ContractSummary {
  readonly kind: 'EntitySchema';
  readonly entityType: string;
  readonly idField: string;
  readonly jsonSchema: JsonObject;
  /** Keyed by the array's path with `*` for members, as a JSON Pointer (`/variants`). */
  readonly arrays: ReadonlyMap<string, ArrayDiffRule>;
  readonly file: string;
}

export type Transform = 'lowercase' | 'uppercase' | 'trim';

/** One output field of a slice, read from a path of the entity's own document. */
export interface FieldProjection {
  readonly name: string;
  readonly path: PathSegments;
  readonly pathText: string;
  readonly transform?: Transform;
}

export interface SliceSpec {
  readonly type: string;
  readonly fields: readonly FieldProjection[];
  /** Names of JoinSpecs whose projected fields this slice carries (an enriched slice). */
  readonly joins: readonly string[];
}

/** Changed path selector → slice types it impacts. */
export interface ImpactRule {
  readonly selector: PathSegments;
  readonly selectorText: string;
  readonly slices: readonly string[];
}

export type UnmatchedPolicy = 'FAIL_CLOSED' | 'FULL_REBUILD';
export type JoinRelation = 'MANY_TO_ONE' | 'ONE_TO_ONE';
/** LATEST: the join reads the newest version of the target at build time. */
export type JoinVersionRule = 'LATEST';

export interface JoinSpec {
  readonly name: string;
  readonly entityType: string;
  readonly keyResolver: PathSegments;
  readonly keyResolverText: string;
  readonly relation: JoinRelation;
  readonly versionRule: JoinVersionRule;
  /** Output field name → path in the joined entity's document. */
  readonly projection: readonly FieldProjection[];
  /** Joined-entity path selector → slice types of this entity. */
  readonly impact: readonly ImpactRule[];
  /** The inverted index type that finds the parents of a joined entity, by key. */
  readonly index: string;
  /** Most parent slice keys in one fan-out batch; larger fan-outs are split, never dropped. */
  readonly maxFanoutPerBatch: number;
}

export interface IndexSpec {
  readonly type: string;
  readonly fromSlice: string;
  /** Path inside the source slice's data; `*` yields several values. */
  readonly selector: PathSegments;
  readonly selectorText: string;
  /** Template with {indexType}, {value} and {entityType}. */
  readonly format: string;
}

export interface RuleSetContract extends ContractSummary {
  readonly kind: 'RuleSet';
  readonly entityType: string;
  readonly schema: ContractRef;
  readonly unmatchedPolicy: UnmatchedPolicy;
  readonly slices: readonly SliceSpec[];
  readonly impactMap: readonly ImpactRule[];
  readonly joins: readonly JoinSpec[];
  readonly indexes: readonly IndexSpec[];
  readonly file: string;
}

export type MissingSlicePolicy = 'FAIL_CLOSED' | 'PARTIAL';

export interface ViewField {
  readonly name: string;
  readonly slice: string;
  readonly path: PathSegments;
  readonly pathText: string;
}

export interface ViewContract extends ContractSummary {
  readonly kind: 'View';
  readonly root: string;
  readonly slices: readonly string[];
  readonly missingSlicePolicy: MissingSlicePolicy;
  readonly fields: readonly ViewField[];
  readonly file: string;
}

/** Where a sink's documents come from: a View, or slice types of one entity type. */
export type SinkSource = { readonly view: string } | { readonly entityType: string; readonly slices: readonly string[] };

/**
 * A webhook's URL: literal (`http://…`), or the environment variable that holds it. The contract
 * names the variable, never its value, so one catalog serves every environment; the app resolves it.
 */
export type SinkUrl = string | { readonly env: string };

/** The sink types the registry knows; each has its own `target` shape. */
export type SinkType = 'opensearch' | 'webhook';

interface SinkContractBase extends ContractSummary {
  readonly kind: 'Sink';
  readonly type: SinkType;
  readonly source: SinkSource;
  /** Template with {tenantId}, {entityType}, {entityId}, {entityKey}. */
  readonly docId: string;
  readonly file: string;
}

/** A sink shipping to an OpenSearch index (the cluster comes from the process's configuration). */
export interface OpenSearchSinkContract extends SinkContractBase {
  readonly type: 'opensearch';
  readonly target: { readonly index: string };
}

/** A sink delivering each document as an HTTP POST to a receiver (API.md "Sinks"). */
export interface WebhookSinkContract extends SinkContractBase {
  readonly type: 'webhook';
  readonly target: { readonly url: SinkUrl };
}

export type SinkContract = OpenSearchSinkContract | WebhookSinkContract;

export type Contract = EntitySchemaContract | RuleSetContract | ViewContract | SinkContract;

/**
 * One contract file, parsed by whoever read it (the domain reads no file format): its path names
 * it in every problem as `path#/json/pointer`.
 */
export interface ParsedContractFile {
  readonly path: string;
  /**
   * The file's contracts in file order. The problems of a file's only document read `path#/pointer`;
   * with several documents, `path#/i/pointer`, i the document's index here. None: the file is empty.
   */
  readonly documents: readonly unknown[];
  /** Why the file could not be parsed, each reported as `path#/` + message; a file with any is not compiled. */
  readonly parseErrors?: readonly string[];
}
