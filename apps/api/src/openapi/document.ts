import { type ContractRegistry } from '@ivm/domain';
import { ComponentNames } from './component-names';
import { contractComponents } from './contract-components';
import { type Paths, specialisePaths } from './contract-paths';
import { componentRef, isSchemaObject, type JsonSchema } from './json-schema';
import { type RouteDoc } from './routes';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'array' } },
    },
  },
} as const;

/**
 * The OpenAPI 3.1 document of `routes` (3.1 speaks JSON Schema, so the routes' own schemas are
 * used as they are), with the contracts of `registry` as named component schemas typing the raw
 * documents, view data and deploy records (see specialisePaths). The same routes and contracts
 * give the same document, key for key.
 * @throws Error when a contract cannot be expressed in it, or two operations share an operationId
 */
export function buildOpenApiDocument(routes: readonly RouteDoc[], registry: ContractRegistry): JsonSchema {
  const components = contractComponents(registry, new ComponentNames(['Error']));
  const generic: Paths = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
    (generic[path] ??= {})[route.method] = operation(route);
  }
  const paths = specialisePaths(generic, components);
  checkOperationIds(paths);
  return {
    openapi: '3.1.0',
    info: { title: 'IVM runtime API', version: '1.0.0', description: 'Raw data in, slices and views out. Every error is {"error": {code, message, details}}.' },
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key; each key belongs to one tenant' } },
      schemas: { Error: errorSchema, ...components.schemas },
    },
  };
}

function operation(route: RouteDoc): JsonSchema {
  const { schema } = route;
  const parameters = [...parametersOf(schema['params'], 'path'), ...parametersOf(schema['querystring'], 'query'), ...parametersOf(schema['headers'], 'header')];
  const responses: Record<string, unknown> = {};
  const bodies = (schema['response'] ?? {}) as Record<string, JsonSchema>;
  for (const [status, description] of Object.entries(route.responses)) {
    const body = bodies[status];
    responses[status] = Number(status) >= 400 ? errorResponse(description) : { description, ...(body ? { content: content(body) } : {}) };
  }
  // A response schema whose status the route's config does not describe is still documented.
  for (const [status, body] of Object.entries(bodies)) responses[status] ??= { description: 'OK', content: content(body) };
  if (route.auth !== 'none') {
    responses['401'] ??= errorResponse('UNAUTHENTICATED: no or unknown API key');
    if (route.auth === 'tenant') responses['403'] ??= errorResponse('FORBIDDEN: the key belongs to another tenant');
  }
  if (parameters.length > 0 || schema['body']) responses['400'] ??= errorResponse('INVALID_REQUEST (details name each path), INVALID_JSON, INVALID_VERSION');
  return {
    ...(route.operationId === undefined ? {} : { operationId: route.operationId }),
    summary: route.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(schema['body'] ? { requestBody: { required: true, content: { 'application/json': { schema: schema['body'] } } } } : {}),
    ...(route.auth === 'none' ? { security: [] } : { security: [{ apiKey: [] }] }),
    responses,
  };
}

/** A response schema is JSON unless it is fastify's per-media-type form (`{content: {'text/plain': {schema}}}`), which OpenAPI shares. */
function content(body: JsonSchema): JsonSchema {
  return isSchemaObject(body['content']) ? body['content'] : { 'application/json': { schema: body } };
}

function parametersOf(schema: unknown, where: 'path' | 'query' | 'header'): JsonSchema[] {
  const object = schema as { properties?: Record<string, unknown>; required?: string[] } | undefined;
  return Object.entries(object?.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (object?.required ?? []).includes(name),
    schema: property,
  }));
}

function errorResponse(description: string): JsonSchema {
  return { description, content: { 'application/json': { schema: componentRef('Error') } } };
}

/** Generators name a client's methods by operationId: each operation has one, and no two share it. */
function checkOperationIds(paths: Paths): void {
  const seen = new Map<string, string>();
  for (const [path, operations] of Object.entries(paths))
    for (const [method, operation] of Object.entries(operations)) {
      const where = `${method.toUpperCase()} ${path}`;
      const id = operation['operationId'];
      if (typeof id !== 'string') throw new Error(`OpenAPI: ${where} has no operationId (set config.operationId on its route)`);
      const other = seen.get(id);
      if (other !== undefined) throw new Error(`OpenAPI: ${where} and ${other} share the operationId "${id}"`);
      seen.set(id, where);
    }
}
