import type { ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import {
  ContractValidationError,
  UnknownContractError,
  UnknownEntityTypeError,
  type ErrorDetail,
} from '../errors';
import { createAjv } from '../json-schema';
import { compileContract } from './compile';
import { crossCheck } from './cross-check';
import type {
  Contract,
  ContractSource,
  ContractSummary,
  EntitySchemaContract,
  JoinSpec,
  RuleSetContract,
  SinkContract,
  ViewContract,
} from './model';
import { Problems } from './problems';

/** A RuleSet's join that reads a given entity type: where fan-out starts when that entity changes. */
export interface JoinReference {
  readonly ruleSet: RuleSetContract;
  readonly join: JoinSpec;
}

/**
 * The validated, immutable set of contracts the runtime executes. Built only through
 * `fromSources`, which refuses an invalid set and lists every problem in it.
 */
export class ContractRegistry {
  private readonly schemas = new Map<string, EntitySchemaContract>();
  private readonly ruleSets = new Map<string, RuleSetContract>();
  private readonly views = new Map<string, ViewContract>();
  private readonly sinks = new Map<string, SinkContract>();
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly joinsByTarget = new Map<string, JoinReference[]>();

  private constructor(readonly contracts: readonly Contract[]) {
    const ajv = createAjv();
    for (const c of contracts) {
      if (c.kind === 'EntitySchema') {
        this.schemas.set(c.entityType, c);
        this.validators.set(c.entityType, ajv.compile(c.jsonSchema));
      } else if (c.kind === 'RuleSet') {
        this.ruleSets.set(c.entityType, c);
        for (const join of c.joins) {
          const list = this.joinsByTarget.get(join.entityType) ?? [];
          list.push({ ruleSet: c, join });
          this.joinsByTarget.set(join.entityType, list);
        }
      } else if (c.kind === 'View') this.views.set(c.id, c);
      else this.sinks.set(c.id, c);
    }
  }

  /** Problems of a contract set, empty when it is valid. Never throws for bad input. */
  static validate(sources: readonly ContractSource[]): readonly ErrorDetail[] {
    return ContractRegistry.check(sources).problems.all;
  }

  /** @throws ContractValidationError listing every problem of the set */
  static fromSources(sources: readonly ContractSource[]): ContractRegistry {
    const { contracts, problems } = ContractRegistry.check(sources);
    if (problems.count > 0) throw new ContractValidationError(problems.all);
    return new ContractRegistry(contracts);
  }

  private static check(sources: readonly ContractSource[]): { contracts: Contract[]; problems: Problems } {
    const problems = new Problems();
    const contracts: Contract[] = [];
    const seen = new Map<string, string>();
    const ordered = [...sources].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    if (ordered.length === 0) problems.add('(contracts)', '/', 'no contract files were found');
    for (const source of ordered) {
      const docs = parseDocuments(source, problems);
      if (docs === null) {
        continue;
      }
      docs.forEach((doc, i) => {
        const base = docs.length > 1 ? `/${i}` : '';
        const contract = compileContract(source.path, base, doc, problems);
        if (!contract) return;
        const key = `${contract.kind}:${contract.id}`;
        const first = seen.get(key);
        if (first !== undefined) problems.add(source.path, `${base}/id`, `${contract.kind} "${contract.id}" is also declared in ${first}`);
        else seen.set(key, source.path);
        contracts.push(contract);
      });
    }
    // Cross-references are checked over what parsed; a file that did not parse is already reported.
    crossCheck(contracts, problems);
    return { contracts, problems };
  }

  /** `[{kind, id, version}]`, sorted by kind then id. */
  list(): ContractSummary[] {
    return this.contracts
      .map(({ kind, id, version }) => ({ kind, id, version }))
      .sort((a, b) => (a.kind + '\0' + a.id < b.kind + '\0' + b.id ? -1 : 1));
  }

  entityTypes(): string[] {
    return [...this.schemas.keys()].sort();
  }

  hasEntityType(entityType: string): boolean {
    return this.schemas.has(entityType);
  }

  /** @throws UnknownEntityTypeError */
  schema(entityType: string): EntitySchemaContract {
    const schema = this.schemas.get(entityType);
    if (!schema) throw new UnknownEntityTypeError(entityType);
    return schema;
  }

  /** The compiled JSON Schema validator of an entity type. @throws UnknownEntityTypeError */
  validator(entityType: string): ValidateFunction {
    const validate = this.validators.get(entityType);
    if (!validate) throw new UnknownEntityTypeError(entityType);
    return validate;
  }

  /** @throws UnknownEntityTypeError when the entity type has no RuleSet */
  ruleSet(entityType: string): RuleSetContract {
    const ruleSet = this.ruleSets.get(entityType);
    if (!ruleSet) throw new UnknownEntityTypeError(entityType);
    return ruleSet;
  }

  hasRuleSet(entityType: string): boolean {
    return this.ruleSets.has(entityType);
  }

  /** @throws UnknownContractError */
  view(id: string): ViewContract {
    const view = this.views.get(id);
    if (!view) throw new UnknownContractError('View', id);
    return view;
  }

  /** @throws UnknownContractError */
  sink(id: string): SinkContract {
    const sink = this.sinks.get(id);
    if (!sink) throw new UnknownContractError('Sink', id);
    return sink;
  }

  /** JoinSpecs of every RuleSet that reads `entityType`, in RuleSet then join order. */
  joinsReading(entityType: string): readonly JoinReference[] {
    return this.joinsByTarget.get(entityType) ?? [];
  }
}

function parseDocuments(source: ContractSource, problems: Problems): unknown[] | null {
  if (source.path.endsWith('.json')) {
    try {
      return [JSON.parse(source.text) as unknown];
    } catch (error) {
      problems.add(source.path, '/', `is not valid JSON: ${(error as Error).message}`);
      return null;
    }
  }
  const docs = parseAllDocuments(source.text, { prettyErrors: true, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  let ok = true;
  for (const doc of list) {
    for (const error of doc.errors) {
      ok = false;
      const line = error.linePos?.[0];
      problems.add(source.path, '/', `is not valid YAML${line ? ` (line ${line.line}, column ${line.col})` : ''}: ${error.message.split('\n')[0]}`);
    }
  }
  if (!ok) return null;
  const values = list.map((doc) => doc.toJS({ maxAliasCount: 100 }) as unknown).filter((v) => v !== null && v !== undefined);
  if (values.length === 0) problems.add(source.path, '/', 'is empty');
  return values;
}
