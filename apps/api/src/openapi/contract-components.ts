import { type ContractRegistry, requiredViewFields, viewDocumentSchema } from '@ivm/domain';
import { type ComponentNames, pascalCase } from './component-names';
import { type EntityComponent } from './deploy-request-schema';
import { entityComponentSchema } from './entity-schema';
import { type JsonSchema } from './json-schema';

/** A View contract and its data's component name. */
export interface ViewComponent {
  readonly id: string;
  readonly schema: string;
}

/** What the loaded contracts put in the document: named schemas, and who owns each. */
export interface ContractComponents {
  readonly schemas: Readonly<Record<string, JsonSchema>>;
  /** Sorted by entity type. */
  readonly entities: readonly EntityComponent[];
  /** Sorted by view id. */
  readonly views: readonly ViewComponent[];
  readonly sinkIds: readonly string[];
}

/**
 * One component schema per entity type (`Product`: its contract's JSON Schema) and per view
 * (`ProductDetailView`: the typed fields of its data, viewDocumentSchema), named by PascalCase.
 * Contracts are visited in sorted order, so the same contracts give the same document.
 * @throws Error when two contracts map to one name, or a schema cannot be expressed (see entityComponentSchema)
 */
export function contractComponents(registry: ContractRegistry, names: ComponentNames): ContractComponents {
  const schemas: Record<string, JsonSchema> = {};
  const entities = registry.entityTypes().map((entityType) => {
    const contract = registry.schema(entityType);
    const label = `EntitySchema ${contract.id}`;
    const schema = names.claim(pascalCase(entityType), label);
    schemas[schema] = entityComponentSchema(contract.jsonSchema, schema, { label, file: contract.file, pointer: '/schema' });
    return { entityType, schema };
  });
  const ids = (kind: string) =>
    registry
      .list()
      .filter((contract) => contract.kind === kind)
      .map((contract) => contract.id)
      .sort();
  const views = ids('View').map((id) => {
    const view = registry.view(id);
    const label = `View ${id}`;
    const schema = names.claim(`${pascalCase(id)}View`, label);
    // The field schemas are the entity schemas' own, so they get the same treatment; a `$ref` left in
    // one would point into an entity schema, not this component: entityComponentSchema refuses it.
    // An answer carries exactly the view's fields, and always those it can guarantee (the SDK types them alike).
    const data = { ...viewDocumentSchema(registry, view), required: requiredViewFields(registry, view), additionalProperties: false };
    schemas[schema] = entityComponentSchema(data, schema, { label, file: view.file, pointer: '/fields', refs: 'none' });
    return { id, schema };
  });
  return { schemas, entities, views, sinkIds: ids('Sink') };
}
