import type { ValidateFunction } from 'ajv';
import type { JsonObject } from '../canonical/canonical-json';
import { formatPointer, parsePath, PathSyntaxError, type PathSegments, WILDCARD } from '../paths/path';
import { createAjv, schemaErrorDetails } from '../json-schema';
import { entitySchemaFileSchema, ruleSetFileSchema, sinkFileSchema, viewFileSchema } from './contract-file-schemas';
import type {
  ArrayDiffRule,
  Contract,
  ContractKind,
  EntitySchemaContract,
  FieldProjection,
  ImpactRule,
  IndexSpec,
  JoinSpec,
  RuleSetContract,
  SinkContract,
  SliceSpec,
  Transform,
  ViewContract,
} from './model';
import type { Problems } from './problems';

/* eslint-disable @typescript-eslint/no-explicit-any -- input has passed its file schema; `any` is confined to this translation */

export const DEFAULT_INDEX_KEY_FORMAT = 'IDX#{indexType}#{value}#{entityType}';
export const DEFAULT_MAX_FANOUT_PER_BATCH = 1000;

/** Where each contract of a multi-document file starts (`/i`); absent for a one-document file. */
const pointerBases = new WeakMap<Contract, string>();

/** A pointer inside a compiled contract, located in its file (prefixed with its document index). */
export function pointerIn(contract: Contract, pointer: string): string {
  return `${pointerBases.get(contract) ?? ''}${pointer}`;
}

const fileAjv = createAjv();
const fileValidators: Record<ContractKind, ValidateFunction> = {
  EntitySchema: fileAjv.compile(entitySchemaFileSchema),
  RuleSet: fileAjv.compile(ruleSetFileSchema),
  View: fileAjv.compile(viewFileSchema),
  Sink: fileAjv.compile(sinkFileSchema),
};

/** Structure check of one parsed document; returns the compiled contract or null after reporting. */
export function compileContract(file: string, pointerBase: string, doc: unknown, problems: Problems): Contract | null {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    problems.add(file, pointerBase || '/', 'a contract is a mapping with kind, id and version');
    return null;
  }
  const kind = (doc as Record<string, unknown>)['kind'];
  if (kind !== 'EntitySchema' && kind !== 'RuleSet' && kind !== 'View' && kind !== 'Sink') {
    problems.add(file, `${pointerBase}/kind`, `must be one of EntitySchema, RuleSet, View, Sink (got ${JSON.stringify(kind)})`);
    return null;
  }
  const validate = fileValidators[kind];
  if (!validate(doc)) {
    for (const { path, message } of schemaErrorDetails(validate.errors, { prefix: pointerBase, messages: 'contract', skipSummaries: true })) {
      problems.add(file, path, message);
    }
    return null;
  }
  const before = problems.count;
  const paths = new PathReader(file, pointerBase, problems);
  const d = doc as any;
  let contract: Contract;
  switch (kind) {
    case 'EntitySchema':
      contract = compileEntitySchema(file, d, paths);
      break;
    case 'RuleSet':
      contract = compileRuleSet(file, d, paths);
      break;
    case 'View':
      contract = compileView(file, d, paths);
      break;
    case 'Sink':
      contract = compileSink(file, pointerBase, d, problems);
      break;
  }
  if (problems.count !== before) return null;
  if (pointerBase !== '') pointerBases.set(contract, pointerBase);
  return contract;
}

class PathReader {
  constructor(
    private readonly file: string,
    private readonly base: string,
    private readonly problems: Problems,
  ) {}

  read(text: string, pointer: string, options: { wildcard: boolean }): PathSegments {
    try {
      const segments = parsePath(text);
      if (!options.wildcard && segments.includes(WILDCARD)) {
        this.problems.add(this.file, `${this.base}${pointer}`, `path "${text}" may not contain a wildcard here`);
      }
      return segments;
    } catch (error) {
      if (!(error instanceof PathSyntaxError)) throw error;
      this.problems.add(this.file, `${this.base}${pointer}`, error.message);
      return [];
    }
  }
}

function compileEntitySchema(file: string, d: any, paths: PathReader): EntitySchemaContract {
  const arrays = new Map<string, ArrayDiffRule>();
  for (const [pointer, rule] of Object.entries<any>(d.arrays ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const segments = paths.read(pointer, `/arrays/${escape(pointer)}`, { wildcard: true });
    arrays.set(formatPointer(segments), rule.mode === 'keyed' ? { mode: 'keyed', key: rule.key } : { mode: 'whole' });
  }
  return {
    kind: 'EntitySchema',
    id: d.id,
    version: d.version,
    entityType: d.entityType,
    idField: d.idField,
    jsonSchema: d.schema as JsonObject,
    arrays,
    file,
  };
}

function fields(map: Record<string, any>, pointer: string, paths: PathReader): FieldProjection[] {
  return Object.keys(map)
    .sort()
    .map((name) => {
      const spec = map[name];
      const pathText: string = typeof spec === 'string' ? spec : spec.path;
      const transform: Transform | undefined = typeof spec === 'string' ? undefined : spec.transform;
      const at = `${pointer}/${escape(name)}`;
      const path = paths.read(pathText, typeof spec === 'string' ? at : `${at}/path`, { wildcard: false });
      return transform === undefined ? { name, path, pathText } : { name, path, pathText, transform };
    });
}

function impactRules(rules: any[], pointer: string, paths: PathReader): ImpactRule[] {
  return rules.map((rule, i) => ({
    selector: paths.read(rule.path, `${pointer}/${i}/path`, { wildcard: true }),
    selectorText: rule.path,
    slices: [...rule.slices].sort(),
  }));
}

function compileRuleSet(file: string, d: any, paths: PathReader): RuleSetContract {
  const slices: SliceSpec[] = d.slices.map((s: any, i: number) => ({
    type: s.type,
    fields: fields(s.fields, `/slices/${i}/fields`, paths),
    joins: [...(s.joins ?? [])].sort(),
  }));
  const joins: JoinSpec[] = (d.joins ?? []).map((j: any, i: number) => ({
    name: j.name,
    entityType: j.entityType,
    keyResolver: paths.read(j.keyResolver, `/joins/${i}/keyResolver`, { wildcard: false }),
    keyResolverText: j.keyResolver,
    relation: j.relation,
    versionRule: j.versionRule ?? 'LATEST',
    projection: fields(j.projection, `/joins/${i}/projection`, paths),
    impact: impactRules(j.impact, `/joins/${i}/impact`, paths),
    index: j.index,
    maxFanoutPerBatch: j.maxFanoutPerBatch ?? DEFAULT_MAX_FANOUT_PER_BATCH,
  }));
  const indexes: IndexSpec[] = (d.indexes ?? []).map((x: any, i: number) => ({
    type: x.type,
    fromSlice: x.fromSlice,
    selector: paths.read(x.selector.path, `/indexes/${i}/selector/path`, { wildcard: true }),
    selectorText: x.selector.path,
    format: x.indexKey?.format ?? DEFAULT_INDEX_KEY_FORMAT,
  }));
  return {
    kind: 'RuleSet',
    id: d.id,
    version: d.version,
    entityType: d.entityType,
    schema: { id: d.schema.id, version: d.schema.version },
    unmatchedPolicy: d.unmatchedPolicy ?? 'FAIL_CLOSED',
    slices,
    impactMap: impactRules(d.impactMap, '/impactMap', paths),
    joins,
    indexes,
    file,
  };
}

function compileView(file: string, d: any, paths: PathReader): ViewContract {
  return {
    kind: 'View',
    id: d.id,
    version: d.version,
    root: d.root,
    slices: [...d.slices],
    missingSlicePolicy: d.missingSlicePolicy ?? 'FAIL_CLOSED',
    fields: Object.keys(d.fields)
      .sort()
      .map((name) => ({
        name,
        slice: d.fields[name].slice,
        path: paths.read(d.fields[name].path, `/fields/${escape(name)}/path`, { wildcard: false }),
        pathText: d.fields[name].path,
      })),
    file,
  };
}

function compileSink(file: string, pointerBase: string, d: any, problems: Problems): SinkContract {
  const base = {
    kind: 'Sink' as const,
    id: d.id,
    version: d.version,
    source: d.source.view !== undefined ? { view: d.source.view } : { entityType: d.source.entityType, slices: [...d.source.slices] },
    docId: d.docId,
    file,
  };
  if (d.type === 'opensearch') return { ...base, type: 'opensearch', target: { index: d.target.index } };
  const url: unknown = d.target.url;
  // The file schema checked the URL's shape; whether it parses needs the URL parser.
  if (typeof url === 'string' && !URL.canParse(url)) problems.add(file, `${pointerBase}/target/url`, `"${url}" is not a valid URL`);
  return { ...base, type: 'webhook', target: { url: typeof url === 'string' ? url : { env: (url as { env: string }).env } } };
}

function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
