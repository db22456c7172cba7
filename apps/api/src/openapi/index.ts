export { collectOpenApi, registeredRoutes, type RouteDoc } from './routes';
export { buildOpenApiDocument } from './document';
export { type JsonSchema } from './json-schema';
