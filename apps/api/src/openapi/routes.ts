import { type ContractRegistry } from '@ivm/domain';
import { type FastifyInstance, type RouteOptions } from 'fastify';
import { type AuthRule } from '../auth';
import { buildOpenApiDocument } from './document';
import { type JsonSchema } from './json-schema';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route (default `none`). */
    auth?: AuthRule;
    /** For the OpenAPI document: one line on what the route does, and status → description. */
    summary?: string;
    responses?: Record<number, string>;
    /** For the OpenAPI document: the operation's stable name (generated clients name their methods by it). */
    operationId?: string;
  }
}

/** A route as registered: what /openapi.json describes, and what tests derive their route tables from. */
export interface RouteDoc {
  readonly method: string;
  readonly url: string;
  readonly schema: JsonSchema;
  readonly auth: AuthRule;
  readonly summary: string | undefined;
  readonly operationId: string | undefined;
  readonly responses: Record<number, string>;
}

const routesByApp = new WeakMap<FastifyInstance, readonly RouteDoc[]>();

/**
 * Collects the routes as they are added, for an OpenAPI 3.1 document derived from their own JSON
 * Schemas (so it cannot drift from what the server validates and writes) and typed by the
 * contracts of `registry`. Call before the routes are added; the document is built on first use.
 */
export function collectOpenApi(app: FastifyInstance, registry: ContractRegistry): () => JsonSchema {
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
        operationId: route.config?.operationId,
        responses: route.config?.responses ?? { 200: 'OK' },
      });
    }
  });
  let document: JsonSchema | undefined;
  return () => (document ??= buildOpenApiDocument(routes, registry));
}

/** Every route of an app built by buildServer, as collected for its OpenAPI document (HEAD and /openapi.json aside). */
export function registeredRoutes(app: FastifyInstance): readonly RouteDoc[] {
  const routes = routesByApp.get(app);
  if (routes === undefined) throw new Error('registeredRoutes: collectOpenApi was not called on this app');
  return routes;
}
