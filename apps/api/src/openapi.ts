import { type FastifyInstance, type RouteOptions } from 'fastify';
import { type AuthRule } from './auth';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route (default `none`). */
    auth?: AuthRule;
    /** For the OpenAPI document: one line on what the route does, and status → description. */
    summary?: string;
    responses?: Record<number, string>;
  }
}

type JsonSchema = Record<string, unknown>;

/** A route as registered: what /openapi.json describes, and what tests derive their route tables from. */
export interface RouteDoc {
  readonly method: string;
  readonly url: string;
  readonly schema: JsonSchema;
  readonly auth: AuthRule;
  readonly summary: string | undefined;
  readonly responses: Record<number, string>;
}

const routesByApp = new WeakMap<FastifyInstance, readonly RouteDoc[]>();

/**
 * Derives an OpenAPI 3.1 document from the routes' own JSON Schemas (3.1 speaks JSON Schema), so
 * the document cannot drift from what the server validates, nor, through the response schemas,
 * from what it writes. Call before the routes are added.
 */
export function collectOpenApi(app: FastifyInstance): () => JsonSchema {
  const routes: RouteDoc[] = [];
  routesByApp.set(app, routes);
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' || route.url === '/openapi.json') continue;
      routes.push({
        method: method.toLowerCase(),
        url: route.url,
        schema: (route.schema ?? {}) as JsonSchema,
        auth: route.config?.auth ?? 'none',
        summary: route.config?.summary,
        responses: route.config?.responses ?? { 200: 'OK' },
      });
    }
  });
  let document: JsonSchema | undefined;
  return () => (document ??= buildDocument(routes));
}

/** Every route of an app built by buildServer, as collected for its OpenAPI document (HEAD and /openapi.json aside). */
export function registeredRoutes(app: FastifyInstance): readonly RouteDoc[] {
  const routes = routesByApp.get(app);
  if (routes === undefined) throw new Error('registeredRoutes: collectOpenApi was not called on this app');
  return routes;
}

function buildDocument(routes: readonly RouteDoc[]): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
    (paths[path] ??= {})[route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'IVM runtime API', version: '1.0.0', description: 'Raw data in, slices and views out. Every error is {"error": {code, message, details}}.' },
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key; each key belongs to one tenant' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message', 'details'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'array' } },
            },
          },
        },
      },
    },
  };
}

function operation(route: RouteDoc): JsonSchema {
  const { schema } = route;
  const parameters = [...parametersOf(schema['params'], 'path'), ...parametersOf(schema['querystring'], 'query')];
  const responses: Record<string, unknown> = {};
  const bodies = (schema['response'] ?? {}) as Record<string, JsonSchema>;
  for (const [status, description] of Object.entries(route.responses)) {
    const body = bodies[status];
    responses[status] = Number(status) >= 400 ? errorResponse(description) : { description, content: { 'application/json': body ? { schema: body } : {} } };
  }
  // A response schema whose status the route's config does not describe is still documented.
  for (const [status, body] of Object.entries(bodies)) responses[status] ??= { description: 'OK', content: { 'application/json': { schema: body } } };
  if (route.auth !== 'none') {
    responses['401'] ??= errorResponse('UNAUTHENTICATED: no or unknown API key');
    if (route.auth === 'tenant') responses['403'] ??= errorResponse('FORBIDDEN: the key belongs to another tenant');
  }
  if (parameters.length > 0 || schema['body']) responses['400'] ??= errorResponse('INVALID_REQUEST (details name each path), INVALID_JSON, INVALID_VERSION');
  return {
    summary: route.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(schema['body'] ? { requestBody: { required: true, content: { 'application/json': { schema: schema['body'] } } } } : {}),
    ...(route.auth === 'none' ? { security: [] } : { security: [{ apiKey: [] }] }),
    responses,
  };
}

function parametersOf(schema: unknown, where: 'path' | 'query'): JsonSchema[] {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  return Object.entries(properties).map(([name, property]) => ({ name, in: where, required: where === 'path', schema: property }));
}

function errorResponse(description: string): JsonSchema {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
}
