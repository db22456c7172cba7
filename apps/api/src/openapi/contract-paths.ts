import { type ContractComponents } from './contract-components';
import { deployRequestSchema } from './deploy-request-schema';
import { componentRef, isSchemaObject, type JsonSchema, orNull } from './json-schema';

/** Path → method → operation. */
export type Paths = Record<string, Record<string, JsonSchema>>;

/**
 * The generic paths, typed by the contracts: the `{entityType}` raw path becomes one path per
 * entity type (`…/raw/product/{entityId}/…`, operations `putProductRaw`…, documents `$ref
 * Product`), the `{viewId}` view path one per view (`getProductDetailView`, data `$ref
 * ProductDetailView`), and the deploy body gets its records typed. One typed operation per
 * entity is what generators turn into typed methods; the server keeps serving the generic routes,
 * which accept exactly what these paths describe. Paths keep the routes' order.
 */
export function specialisePaths(generic: Paths, components: ContractComponents): Paths {
  const paths: Paths = {};
  for (const [path, operations] of Object.entries(generic)) {
    const ids = Object.values(operations).map((operation) => operation['operationId']);
    if (ids.includes('putRaw') || ids.includes('getRaw') || ids.includes('deleteRaw')) {
      for (const { entityType, schema } of components.entities)
        paths[literalPath(path, '{entityType}', entityType, `EntitySchema ${entityType}`)] = mapOperations(operations, (operation, method) =>
          rawOperation(operation, method, schema),
        );
    } else if (ids.includes('getView')) {
      for (const { id, schema } of components.views)
        paths[literalPath(path, '{viewId}', id, `View ${id}`)] = mapOperations(operations, (operation) => viewOperation(operation, id, schema));
    } else {
      paths[path] = mapOperations(operations, (operation) =>
        operation['operationId'] === 'createDeploy' ? withRequestBody(operation, deployRequestSchema(components.entities, components.sinkIds)) : operation,
      );
    }
  }
  return paths;
}

function mapOperations(operations: Record<string, JsonSchema>, map: (operation: JsonSchema, method: string) => JsonSchema): Record<string, JsonSchema> {
  return Object.fromEntries(Object.entries(operations).map(([method, operation]) => [method, map(structuredClone(operation), method)]));
}

/** The path with a contract id in place of its template parameter; an id a URL would escape cannot stand there. */
function literalPath(path: string, parameter: string, id: string, label: string): string {
  if (encodeURIComponent(id) !== id) throw new Error(`OpenAPI: ${label}: the id "${id}" holds characters a URL path must escape`);
  return path.replace(parameter, id);
}

function rawOperation(operation: JsonSchema, method: string, schema: string): JsonSchema {
  // PUT answers with the document it stored, DELETE with the tombstone's null, GET with either.
  const data =
    method === 'put'
      ? { ...componentRef(schema), description: 'The document stored' }
      : method === 'delete'
        ? { type: 'null', description: 'A deletion has no document' }
        : { ...orNull(componentRef(schema)), description: 'The document; null for a deletion' };
  const typed = {
    ...withoutParameter(operation, 'entityType'),
    operationId: `${method}${schema}Raw`,
    responses: mapSuccessSchemas(operation, (body) => withProperty(body, 'data', data)),
  };
  return method === 'put'
    ? withRequestBody(typed, { ...componentRef(schema), description: `The ${schema} document; its id field must equal {entityId}` })
    : typed;
}

function viewOperation(operation: JsonSchema, id: string, schema: string): JsonSchema {
  return {
    ...withoutParameter(operation, 'viewId'),
    operationId: `get${schema}`,
    responses: mapSuccessSchemas(operation, (body) => withProperty(withProperty(body, 'view', { type: 'string', const: id }), 'data', componentRef(schema))),
  };
}

function withoutParameter(operation: JsonSchema, name: string): JsonSchema {
  const parameters = (operation['parameters'] ?? []) as JsonSchema[];
  return { ...operation, parameters: parameters.filter((parameter) => parameter['name'] !== name) };
}

function withRequestBody(operation: JsonSchema, schema: JsonSchema): JsonSchema {
  return { ...operation, requestBody: { required: true, content: { 'application/json': { schema } } } };
}

/** The operation's responses, each 2xx JSON body's schema mapped. */
function mapSuccessSchemas(operation: JsonSchema, map: (schema: JsonSchema) => JsonSchema): JsonSchema {
  const responses = (operation['responses'] ?? {}) as Record<string, JsonSchema>;
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => {
      const json = (response['content'] as Record<string, JsonSchema> | undefined)?.['application/json'];
      if (!status.startsWith('2') || !json || !isSchemaObject(json['schema'])) return [status, response];
      return [status, { ...response, content: { 'application/json': { ...json, schema: map(json['schema']) } } }];
    }),
  );
}

function withProperty(schema: JsonSchema, name: string, property: JsonSchema): JsonSchema {
  const properties = (schema['properties'] ?? {}) as JsonSchema;
  if (!(name in properties)) throw new Error(`OpenAPI: the answer schema has no field "${name}" to type`);
  return { ...schema, properties: { ...properties, [name]: property } };
}
