import {
  camelCaseId,
  pascalCaseId,
  requiredViewFields,
  viewDocumentSchema,
  type ContractRegistry,
  type Json,
  type JsonObject,
  type ViewContract,
  type ViewField,
} from '@ivm/domain';
import { compile } from 'json-schema-to-typescript';
import { isIdentifier, plural } from './names';
import { inlineLocalRefs, topLevel } from './schemas';

/** What to generate against. */
export interface GenerateOptions {
  /** Where the generated file imports the SDK core from: `../core` inside libs/sdk, `@ivm/sdk` in a user's project. */
  readonly sdkImport: string;
  /** Named in the header, e.g. `contracts/`. */
  readonly contractsLabel: string;
}

/** A name the catalog cannot be generated with: two contracts map to one name, or an id is no identifier. */
export class CodegenNameError extends Error {
  readonly code = 'CODEGEN_NAME_CLASH';
  constructor(readonly problems: readonly string[]) {
    super(`The contracts cannot be turned into TypeScript names (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`);
  }
}

/** Hands out names of one namespace, recording in `problems` a name that is no identifier or is taken. */
function names(problems: string[], reserved: readonly string[]): (name: string, owner: string) => void {
  const owners = new Map<string, string>(reserved.map((name) => [name, `the SDK's own ${name}`]));
  return (name, owner) => {
    if (!isIdentifier(name)) problems.push(`${owner}: "${name}" is not a TypeScript identifier`);
    const holder = owners.get(name);
    if (holder !== undefined) problems.push(`${owner} and ${holder} both become "${name}"`);
    owners.set(name, owner);
  };
}

/** Names an ingest already uses for itself; an entity method must not shadow them. */
const INGEST_MEMBERS = ['records', 'deploy', 'deployNow', 'deployNowAndShipNow', 'deployQueued', 'insert'];
const CORE_TYPES = ['Sinks', 'Ingest', 'Views', 'IvmClient', 'Ivm', 'catalog'];

interface EntityNames {
  readonly entityType: string;
  readonly idField: string;
  readonly type: string;
  readonly add: string;
  readonly addMany: string;
  readonly remove: string;
  readonly contract: string;
}

/**
 * The TypeScript of a catalog: an input type per entity schema, a result type per view, the sinks
 * as methods, the ingest methods, and `Ivm` wired to them. Deterministic: the same contracts give
 * the same text (contracts are read in id order; nothing depends on time or the machine).
 * @throws CodegenNameError when names clash
 */
export async function generateCatalog(registry: ContractRegistry, options: GenerateOptions): Promise<string> {
  const contracts = registry.list();
  const problems: string[] = [];
  const entities = registry.entityTypes().map((entityType): EntityNames => {
    const schema = registry.schema(entityType);
    const add = camelCaseId(entityType);
    return {
      entityType,
      idField: schema.idField,
      type: pascalCaseId(entityType),
      add,
      addMany: plural(add),
      remove: `delete${pascalCaseId(entityType)}`,
      contract: `EntitySchema ${schema.id} ${schema.version}`,
    };
  });
  const views = contracts.filter((c) => c.kind === 'View').map((c) => registry.view(c.id));
  const sinks = contracts.filter((c) => c.kind === 'Sink').map((c) => registry.sink(c.id));

  // Two namespaces: the generated module (types, ingest methods, views) and the Sinks interface.
  const take = names(problems, [...INGEST_MEMBERS, ...CORE_TYPES]);
  for (const e of entities) {
    take(e.type, `entity type ${e.entityType} (input type)`);
    take(e.add, `entity type ${e.entityType} (ingest method)`);
    take(e.addMany, `entity type ${e.entityType} (batch method)`);
    take(e.remove, `entity type ${e.entityType} (delete method)`);
  }
  for (const view of views) {
    take(`${pascalCaseId(view.id)}View`, `View ${view.id} (result type)`);
    take(camelCaseId(view.id), `View ${view.id} (views property)`);
  }
  const sinkMethods = new Map(sinks.map((sink) => [sink.id, camelCaseId(sink.id)]));
  const takeSink = names(problems, []);
  for (const [id, method] of sinkMethods) takeSink(method, `Sink ${id}`);
  if (problems.length > 0) throw new CodegenNameError(problems);

  const types: string[] = [];
  for (const e of entities) {
    const doc = `/** A ${e.entityType} document, as its schema takes it (${e.contract}; id field \`${e.idField}\`). */`;
    types.push(await typeOf(registry.schema(e.entityType).jsonSchema, e.type, doc));
  }
  for (const view of views)
    types.push(
      await typeOf(
        viewSchema(registry, view),
        `${pascalCaseId(view.id)}View`,
        `/** The data of view ${view.id} (View ${view.id} ${view.version}, rooted at ${view.root}); fields it cannot guarantee are optional. */`,
      ),
    );

  const core = [
    'createClient',
    'httpTransport',
    'inProcessTransport',
    'type CatalogDescriptor',
    'type Deployable',
    'type HttpClientOptions',
    'type InProcessOptions',
    'type IvmClientOf',
    'type SinkSelection',
    'type VersionOptions',
    'type Versioned',
    'type ViewClient',
  ];
  const lines = [
    `// Generated by tools/codegen from ${options.contractsLabel}: do not edit. Re-run \`npm run codegen\`;`,
    '// CI runs `npm run codegen -- --check` and fails when this file and the contracts disagree.',
    '',
    `import { ${core.join(', ')} } from '${options.sdkImport}';`,
    '',
    ...types,
    '/** The sinks a deploy can ship to: one method per Sink contract, each adding that sink to the selection. */',
    'export interface Sinks extends SinkSelection {',
    ...sinks.flatMap((s) => [`  /** Sink ${s.id} ${s.version} (${s.type}). */`, `  ${sinkMethods.get(s.id)}(): Sinks;`]),
    '}',
    '',
    '/** Records to ingest, one method per entity type; then `deploy…` them or `insert()` them. Immutable: each method answers a new ingest. */',
    'export interface Ingest extends Deployable<Sinks> {',
    ...entities.flatMap((e) => [
      `  /** Adds version \`options.version\` of a ${e.entityType} (${e.contract}). */`,
      `  ${e.add}(doc: ${e.type}, options: VersionOptions): Ingest;`,
      `  /** Adds ${e.entityType} versions, one per item. */`,
      `  ${e.addMany}(items: readonly Versioned<${e.type}>[]): Ingest;`,
      `  /** Records the deletion of ${e.entityType} \`${e.idField}\` at \`options.version\`. */`,
      `  ${e.remove}(${e.idField}: string, options: VersionOptions): Ingest;`,
    ]),
    '}',
    '',
    '/** The views, typed by their fields. */',
    'export interface Views {',
    ...views.flatMap((v) => [`  /** View ${v.id} ${v.version}. */`, `  readonly ${camelCaseId(v.id)}: ViewClient<${pascalCaseId(v.id)}View>;`]),
    '}',
    '',
    '/** A client of this catalog, over HTTP or in process. */',
    'export type IvmClient = IvmClientOf<Ingest, Views>;',
    '',
    '/** Method names → contract ids, for the SDK at run time. */',
    `export const catalog: CatalogDescriptor = ${JSON.stringify({
      entities: entities.map(({ entityType, idField, add, addMany, remove }) => ({ entityType, idField, add, addMany, remove })),
      sinks: Object.fromEntries([...sinkMethods].map(([id, method]) => [method, id])),
      views: Object.fromEntries(views.map((v) => [camelCaseId(v.id), v.id])),
      contracts: contracts.map(({ kind, id, version }) => ({ kind, id, version })),
    })};`,
    '',
    '/** Clients of this catalog, with one interface: over the HTTP API, or over the application services in this process. */',
    'export const Ivm = {',
    '  /** A client of the HTTP API: `Ivm.client({ baseUrl, apiKey, tenant })`. */',
    '  client: (options: HttpClientOptions): IvmClient => createClient<Ingest, Views, Sinks>(catalog, httpTransport(options)),',
    '  /** A client over the application services in this process: `Ivm.inProcess({ tenant, registry, stores })`. */',
    '  inProcess: (options: InProcessOptions): IvmClient => createClient<Ingest, Views, Sinks>(catalog, inProcessTransport(catalog, options)),',
    '};',
    '',
  ];
  return lines.join('\n');
}

/** A view's data schema: its fields, the guaranteed ones required, nothing else (an answer carries exactly these). */
function viewSchema(registry: ContractRegistry, view: ViewContract): JsonObject {
  const schema = viewDocumentSchema(registry, view);
  const fields = schema['properties'] as JsonObject;
  const properties: Record<string, Json> = {};
  for (const field of view.fields) {
    // A field's schema is cut out of its origin entity's schema; local refs point into that one.
    properties[field.name] = inlineLocalRefs(fields[field.name] ?? {}, registry.schema(originOf(registry, view, field)).jsonSchema);
  }
  return { type: 'object', properties, required: requiredViewFields(registry, view), additionalProperties: false };
}

/** The entity type a view field's value is read from: the view's root, or a joined entity. */
function originOf(registry: ContractRegistry, view: ViewContract, field: ViewField): string {
  const ruleSet = registry.ruleSet(view.root);
  const slice = ruleSet.slices.find((s) => s.type === field.slice);
  const name = field.path[0];
  if (slice === undefined || slice.fields.some((f) => f.name === name)) return ruleSet.entityType;
  const join = ruleSet.joins.find((j) => slice.joins.includes(j.name) && j.projection.some((f) => f.name === name));
  return join?.entityType ?? ruleSet.entityType;
}

async function typeOf(schema: JsonObject, name: string, doc: string): Promise<string> {
  const text = await compile(topLevel(schema) as Parameters<typeof compile>[0], name, {
    bannerComment: '',
    format: false,
    // Arrays with maxItems stay arrays: a union of tuples is no help when writing a document.
    maxItems: -1,
    declareExternallyReferenced: true,
    additionalProperties: true,
  });
  return `${doc}\n${text.trim()}\n`;
}
