import type { ValidateFunction } from 'ajv';
import { ContractValidationError, UnknownContractError, UnknownEntityTypeError, type ErrorDetail } from '../errors';
import { createAjv } from '../json-schema';
import { compileContract } from './compile';
import { crossCheck } from './cross-check';
import type { Contract, ContractSummary, EntitySchemaContract, JoinSpec, ParsedContractFile, RuleSetContract, SinkContract, ViewContract } from './model';
import { Problems } from './problems';

/** A RuleSet's join that reads a given entity type: where fan-out starts when that entity changes. */
export interface JoinReference {
  readonly ruleSet: RuleSetContract;
  readonly join: JoinSpec;
}

/**
 * The validated, immutable set of contracts the runtime executes. Built only through
 * `fromDocuments`, which refuses an invalid set and lists every problem in it. Reading and parsing
 * contract files (YAML, JSON) is an adapter's job (`@ivm/adapters-fs`).
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
  static validate(files: readonly ParsedContractFile[]): readonly ErrorDetail[] {
    return ContractRegistry.check(files).problems.all;
  }

  /** @throws ContractValidationError listing every problem of the set */
  static fromDocuments(files: readonly ParsedContractFile[]): ContractRegistry {
    const { contracts, problems } = ContractRegistry.check(files);
    if (problems.count > 0) throw new ContractValidationError(problems.all);
    return new ContractRegistry(contracts);
  }

  private static check(files: readonly ParsedContractFile[]): { contracts: Contract[]; problems: Problems } {
    const problems = new Problems();
    const contracts: Contract[] = [];
    const seen = new Map<string, string>();
    const ordered = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    if (ordered.length === 0) problems.add('(contracts)', '/', 'no contract files were found');
    for (const file of ordered) {
      if (file.parseErrors !== undefined && file.parseErrors.length > 0) {
        for (const message of file.parseErrors) problems.add(file.path, '/', message);
        continue;
      }
      const docs = file.documents;
      if (docs.length === 0) problems.add(file.path, '/', 'is empty');
      docs.forEach((doc, i) => {
        const base = docs.length > 1 ? `/${i}` : '';
        const contract = compileContract(file.path, base, doc, problems);
        if (!contract) return;
        const key = `${contract.kind}:${contract.id}`;
        const first = seen.get(key);
        if (first !== undefined) problems.add(file.path, `${base}/id`, `${contract.kind} "${contract.id}" is also declared in ${first}`);
        else seen.set(key, file.path);
        contracts.push(contract);
      });
    }
    // Cross-references are checked over what parsed; a file that did not parse is already reported.
    crossCheck(contracts, problems);
    return { contracts, problems };
  }

  /** `[{kind, id, version}]`, sorted by kind then id. */
  list(): ContractSummary[] {
    return this.contracts.map(({ kind, id, version }) => ({ kind, id, version })).sort((a, b) => (a.kind + '\0' + a.id < b.kind + '\0' + b.id ? -1 : 1));
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
