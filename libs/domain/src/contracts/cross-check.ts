import { isJsonObject } from '../canonical/canonical-json';
import { covers, formatPointer, overlaps, type PathSegments } from '../paths/path';
import { createAjv } from '../json-schema';
import { changePatterns } from './change-patterns';
import { pointerIn } from './compile';
import type { Contract, EntitySchemaContract, ImpactRule, RuleSetContract, SinkContract, SliceSpec, ViewContract } from './model';
import type { Problems } from './problems';

const DOC_ID_PLACEHOLDERS = new Set(['tenantId', 'entityType', 'entityId', 'entityKey']);
const INDEX_KEY_PLACEHOLDERS = new Set(['indexType', 'value', 'entityType']);

/** Checks between contracts: references resolve, names are unique, and the ImpactMap is sound. */
export function crossCheck(contracts: readonly Contract[], problems: Problems): void {
  const schemas = contracts.filter((c): c is EntitySchemaContract => c.kind === 'EntitySchema');
  const ruleSets = contracts.filter((c): c is RuleSetContract => c.kind === 'RuleSet');
  const schemaByType = uniqueBy(schemas, (s) => s.entityType, '/entityType', 'another EntitySchema already declares entity type', problems);
  const ruleSetByType = uniqueBy(ruleSets, (r) => r.entityType, '/entityType', 'another RuleSet already declares entity type', problems);

  for (const schema of schemas) checkEntitySchema(schema, problems);
  for (const ruleSet of ruleSets) checkRuleSet(ruleSet, schemas, schemaByType, problems);
  const views = contracts.filter((c): c is ViewContract => c.kind === 'View');
  for (const view of views) checkView(view, ruleSetByType, problems);
  const viewIds = new Set(views.map((v) => v.id));
  for (const sink of contracts.filter((c): c is SinkContract => c.kind === 'Sink')) checkSink(sink, viewIds, ruleSetByType, problems);
}

function uniqueBy<T extends Contract>(items: readonly T[], key: (item: T) => string, pointer: string, message: string, problems: Problems): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    const first = map.get(k);
    if (first) problems.add(item.file, pointerIn(item, pointer), `${message} "${k}" (${first.file})`);
    else map.set(k, item);
  }
  return map;
}

function checkEntitySchema(schema: EntitySchemaContract, problems: Problems): void {
  try {
    createAjv().compile(schema.jsonSchema);
  } catch (error) {
    problems.add(schema.file, pointerIn(schema, '/schema'), `is not a valid JSON Schema: ${(error as Error).message}`);
  }
  const properties = schema.jsonSchema['properties'];
  const idSchema = isJsonObject(properties) ? properties[schema.idField] : undefined;
  const required = schema.jsonSchema['required'];
  if (!isJsonObject(idSchema) || idSchema['type'] !== 'string' || !Array.isArray(required) || !required.includes(schema.idField)) {
    problems.add(schema.file, pointerIn(schema, '/idField'), `"${schema.idField}" must be a required string property of the schema`);
  }
  for (const [pointer, rule] of schema.arrays) {
    const node = schemaNodeAt(schema, pointer);
    if (!isJsonObject(node) || node['type'] !== 'array') {
      problems.add(
        schema.file,
        pointerIn(schema, `/arrays/${pointer.replace(/~/g, '~0').replace(/\//g, '~1')}`),
        `"${pointer}" is not an array property of the schema`,
      );
    } else if (rule.mode === 'keyed') {
      const items = node['items'];
      const itemProps = isJsonObject(items) ? items['properties'] : undefined;
      if (!isJsonObject(itemProps) || itemProps[rule.key] === undefined) {
        problems.add(
          schema.file,
          pointerIn(schema, `/arrays/${pointer.replace(/~/g, '~0').replace(/\//g, '~1')}/key`),
          `array members of "${pointer}" have no property "${rule.key}"`,
        );
      }
    }
  }
}

function schemaNodeAt(schema: EntitySchemaContract, pointer: string): unknown {
  let node: unknown = schema.jsonSchema;
  for (const segment of pointer.split('/').slice(1)) {
    if (!isJsonObject(node)) return undefined;
    node = segment === '*' ? (node['items'] ?? node['additionalProperties']) : isJsonObject(node['properties']) ? node['properties'][segment] : undefined;
  }
  return node;
}

function checkRuleSet(
  ruleSet: RuleSetContract,
  schemas: readonly EntitySchemaContract[],
  schemaByType: Map<string, EntitySchemaContract>,
  problems: Problems,
): void {
  const add = (pointer: string, message: string): void => problems.add(ruleSet.file, pointerIn(ruleSet, pointer), message);
  const schema = schemas.find((s) => s.id === ruleSet.schema.id && s.version === ruleSet.schema.version);
  if (!schema) {
    add('/schema', `no EntitySchema ${ruleSet.schema.id}@${ruleSet.schema.version} is loaded`);
  } else if (schema.entityType !== ruleSet.entityType) {
    add('/schema', `EntitySchema ${schema.id}@${schema.version} is for "${schema.entityType}", not "${ruleSet.entityType}"`);
  }

  const sliceTypes = new Set<string>();
  ruleSet.slices.forEach((slice, i) => {
    if (sliceTypes.has(slice.type)) add(`/slices/${i}/type`, `slice type "${slice.type}" is declared twice`);
    sliceTypes.add(slice.type);
  });
  const checkRuleSlices = (rules: readonly ImpactRule[], pointer: string): void =>
    rules.forEach((rule, i) =>
      rule.slices.forEach((type) => {
        if (!sliceTypes.has(type)) add(`${pointer}/${i}/slices`, `unknown slice type "${type}"`);
      }),
    );
  checkRuleSlices(ruleSet.impactMap, '/impactMap');

  const joinNames = new Set<string>();
  ruleSet.joins.forEach((join, i) => {
    const at = `/joins/${i}`;
    if (joinNames.has(join.name)) add(`${at}/name`, `join "${join.name}" is declared twice`);
    joinNames.add(join.name);
    if (!schemaByType.has(join.entityType)) add(`${at}/entityType`, `no EntitySchema declares entity type "${join.entityType}"`);
    checkRuleSlices(join.impact, `${at}/impact`);
    const index = ruleSet.indexes.find((x) => x.type === join.index);
    const indexedField = index ? fieldsOf(ruleSet, index.fromSlice).get(index.selector[0] ?? '') : undefined;
    if (!index) {
      add(`${at}/index`, `index "${join.index}" is not declared; fan-out from ${join.entityType} needs it to find parents by key`);
    } else if (index.selector.length !== 1 || indexedField === undefined || formatPointer(indexedField) !== formatPointer(join.keyResolver)) {
      add(`${at}/index`, `index "${join.index}" must index the join key ${join.keyResolverText} (a slice field read from that path)`);
    }
  });

  ruleSet.slices.forEach((slice, i) => {
    const names = new Set(slice.fields.map((f) => f.name));
    slice.joins.forEach((name) => {
      const join = ruleSet.joins.find((j) => j.name === name);
      if (!join) return add(`/slices/${i}/joins`, `unknown join "${name}"`);
      for (const f of join.projection) {
        if (names.has(f.name)) add(`/slices/${i}/joins`, `field "${f.name}" of join "${name}" clashes with another field of ${slice.type}`);
        names.add(f.name);
      }
    });
  });

  const indexTypes = new Set<string>();
  ruleSet.indexes.forEach((index, i) => {
    const at = `/indexes/${i}`;
    if (indexTypes.has(index.type)) add(`${at}/type`, `index "${index.type}" is declared twice`);
    indexTypes.add(index.type);
    if (!sliceTypes.has(index.fromSlice)) add(`${at}/fromSlice`, `unknown slice type "${index.fromSlice}"`);
    else if (!fieldsOf(ruleSet, index.fromSlice).has(index.selector[0] ?? ''))
      add(`${at}/selector/path`, `${index.selectorText} is not a field of ${index.fromSlice}`);
    const placeholders = [...index.format.matchAll(/\{([^}]*)\}/g)].map((m) => m[1] ?? '');
    // All three keep keys of different indexes and entity types apart, so index deltas never collide.
    for (const required of ['indexType', 'value', 'entityType']) {
      if (!placeholders.includes(required)) add(`${at}/indexKey/format`, `must contain {${required}}`);
    }
    for (const p of placeholders) if (!INDEX_KEY_PLACEHOLDERS.has(p)) add(`${at}/indexKey/format`, `unknown placeholder {${p}}`);
  });

  if (schema) checkSoundness(ruleSet, schema, schemaByType, problems);
}

/** Output field name → the path of this entity it is read from (join fields map to the key). */
function fieldsOf(ruleSet: RuleSetContract, sliceType: string): Map<string, PathSegments> {
  const slice = ruleSet.slices.find((s) => s.type === sliceType);
  const map = new Map<string, PathSegments>();
  for (const f of slice?.fields ?? []) map.set(f.name, f.path);
  return map;
}

/**
 * SPEC §4 [beyond]: every path a slice reads must be mapped to that slice by a selector, for
 * every shape of change the diff can report there. A path the schema cannot produce is a typo.
 */
function checkSoundness(ruleSet: RuleSetContract, schema: EntitySchemaContract, schemaByType: Map<string, EntitySchemaContract>, problems: Problems): void {
  const patterns = changePatterns(schema);
  ruleSet.slices.forEach((slice: SliceSpec, i) => {
    for (const field of slice.fields) {
      requireCovered(
        patterns,
        field.path,
        field.pathText,
        ruleSet.impactMap,
        slice.type,
        ruleSet.file,
        pointerIn(ruleSet, `/slices/${i}/fields/${field.name}`),
        pointerIn(ruleSet, '/impactMap'),
        `${schema.entityType}`,
        problems,
      );
    }
    for (const joinName of slice.joins) {
      const join = ruleSet.joins.find((j) => j.name === joinName);
      if (!join) continue;
      const j = ruleSet.joins.indexOf(join);
      requireCovered(
        patterns,
        join.keyResolver,
        join.keyResolverText,
        ruleSet.impactMap,
        slice.type,
        ruleSet.file,
        pointerIn(ruleSet, `/joins/${j}/keyResolver`),
        pointerIn(ruleSet, '/impactMap'),
        schema.entityType,
        problems,
      );
      const joined = schemaByType.get(join.entityType);
      if (!joined) continue;
      const joinedPatterns = changePatterns(joined);
      for (const field of join.projection) {
        requireCovered(
          joinedPatterns,
          field.path,
          field.pathText,
          join.impact,
          slice.type,
          ruleSet.file,
          pointerIn(ruleSet, `/joins/${j}/projection/${field.name}`),
          pointerIn(ruleSet, `/joins/${j}/impact`),
          join.entityType,
          problems,
        );
      }
    }
  });
}

function requireCovered(
  patterns: readonly PathSegments[],
  read: PathSegments,
  readText: string,
  rules: readonly ImpactRule[],
  sliceType: string,
  file: string,
  readPointer: string,
  rulesPointer: string,
  entityType: string,
  problems: Problems,
): void {
  const touching = patterns.filter((p) => overlaps(p, read));
  if (touching.length === 0) {
    problems.add(file, readPointer, `${readText} is not a path of the ${entityType} schema`);
    return;
  }
  for (const pattern of touching) {
    if (!rules.some((rule) => rule.slices.includes(sliceType) && covers(rule.selector, pattern))) {
      problems.add(file, rulesPointer, `${sliceType} reads ${readText}, but no selector maps a change at ${formatPointer(pattern)} to ${sliceType}`);
    }
  }
}

function checkView(view: ViewContract, ruleSetByType: Map<string, RuleSetContract>, problems: Problems): void {
  const ruleSet = ruleSetByType.get(view.root);
  if (!ruleSet) {
    problems.add(view.file, pointerIn(view, '/root'), `no RuleSet declares entity type "${view.root}"`);
    return;
  }
  view.slices.forEach((type, i) => {
    if (!ruleSet.slices.some((s) => s.type === type))
      problems.add(view.file, pointerIn(view, `/slices/${i}`), `RuleSet ${ruleSet.id} has no slice type "${type}"`);
  });
  for (const field of view.fields) {
    const at = `/fields/${field.name}`;
    if (!view.slices.includes(field.slice)) {
      problems.add(view.file, pointerIn(view, `${at}/slice`), `"${field.slice}" is not one of the view's slices`);
      continue;
    }
    const slice = ruleSet.slices.find((s) => s.type === field.slice);
    if (!slice) continue;
    const names = new Set([
      ...slice.fields.map((f) => f.name),
      ...slice.joins.flatMap((j) => ruleSet.joins.find((x) => x.name === j)?.projection.map((f) => f.name) ?? []),
    ]);
    if (!names.has(field.path[0] ?? '')) problems.add(view.file, pointerIn(view, `${at}/path`), `${field.pathText} is not a field of ${field.slice}`);
  }
}

function checkSink(sink: SinkContract, viewIds: Set<string>, ruleSetByType: Map<string, RuleSetContract>, problems: Problems): void {
  if ('view' in sink.source) {
    if (!viewIds.has(sink.source.view)) problems.add(sink.file, pointerIn(sink, '/source/view'), `no View "${sink.source.view}" is loaded`);
  } else {
    const ruleSet = ruleSetByType.get(sink.source.entityType);
    if (!ruleSet) problems.add(sink.file, pointerIn(sink, '/source/entityType'), `no RuleSet declares entity type "${sink.source.entityType}"`);
    else
      sink.source.slices.forEach((type, i) => {
        if (!ruleSet.slices.some((s) => s.type === type))
          problems.add(sink.file, pointerIn(sink, `/source/slices/${i}`), `RuleSet ${ruleSet.id} has no slice type "${type}"`);
      });
  }
  for (const m of sink.docId.matchAll(/\{([^}]*)\}/g)) {
    if (!DOC_ID_PLACEHOLDERS.has(m[1] ?? '')) problems.add(sink.file, pointerIn(sink, '/docId'), `unknown placeholder {${m[1]}}`);
  }
}
