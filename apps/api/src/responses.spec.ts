import { type RouteDoc } from './openapi';
import { type ResponseSchema } from './testing/undeclared-fields';
import { useTestApi } from './testing/use-test-api';

const api = useTestApi();

const nameOf = (route: RouteDoc) => `${route.method.toUpperCase()} ${route.url}`;
const successStatuses = (route: RouteDoc) => Object.keys(route.responses).filter((status) => Number(status) < 400);
const responseSchemas = (route: RouteDoc) => (route.schema['response'] ?? {}) as Record<string, ResponseSchema & { required?: string[] }>;

/** Pointers (`*` for array items and map values) of every declared field its object does not require. */
function optionalFields(schema: ResponseSchema & { required?: readonly string[] }, at = ''): string[] {
  const found: string[] = [];
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    if (!(schema.required ?? []).includes(name)) found.push(`${at}/${name}`);
    found.push(...optionalFields(field, `${at}/${name}`));
  }
  if (schema.items) found.push(...optionalFields(schema.items, `${at}/*`));
  if (typeof schema.additionalProperties === 'object') found.push(...optionalFields(schema.additionalProperties, `${at}/*`));
  return found;
}

describe('response schemas', () => {
  it('declare the answer of every route for each success status it documents', () => {
    const missing = api.routes.flatMap((route) =>
      successStatuses(route)
        .filter((status) => !responseSchemas(route)[status])
        .map((status) => `${nameOf(route)} ${status}`),
    );
    expect(missing).toEqual([]);
  });

  it('require every field but those the use cases leave out on purpose', () => {
    // A field not required is one fast-json-stringify would let go missing without a 500: each is listed here by choice.
    const optional = api.routes.flatMap((route) =>
      Object.entries(responseSchemas(route)).flatMap(([status, schema]) => optionalFields(schema).map((at) => `${nameOf(route)} ${status}: ${at}`)),
    );
    expect(optional.sort()).toEqual(
      [
        // Only sinks say whether they are configured; only unconfigured ones say why.
        'GET /v1/contracts 200: /*/configured',
        'GET /v1/contracts 200: /*/missing',
        'GET /v1/contracts 200: /*/reason',
        'POST /v1/tenants/:tenant/changesets 200: /changes/*/after',
        'POST /v1/tenants/:tenant/changesets 200: /changes/*/before',
        'POST /v1/tenants/:tenant/changesets 201: /changes/*/after',
        'POST /v1/tenants/:tenant/changesets 201: /changes/*/before',
        'POST /v1/tenants/:tenant/slicing 200: /cutoverSkipped',
        // A job has an error only when it failed or a DEAD task holds it up; a task only after a failed attempt.
        'GET /v1/admin/outbox 200: /tasks/*/lastError',
        'GET /v1/tenants/:tenant/deploys/:jobId 200: /error',
        'GET /v1/tenants/:tenant/deploys/:jobId 200: /tasks/*/lastError',
        'POST /v1/tenants/:tenant/deploys 200: /error',
        'POST /v1/tenants/:tenant/deploys 200: /tasks/*/lastError',
        'POST /v1/tenants/:tenant/deploys 202: /error',
        'POST /v1/tenants/:tenant/deploys 202: /tasks/*/lastError',
        'POST /v1/tenants/:tenant/slicing 200: /fromVersion',
      ].sort(),
    );
  });

  it('are part of the OpenAPI document, where the contracts type the raw documents and view data', async () => {
    const doc = (await api.request('GET', '/openapi.json', { key: null })).body as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
    };
    const checked: string[] = [];
    for (const route of api.routes)
      for (const [status, schema] of Object.entries(responseSchemas(route) as Record<string, Record<string, unknown>>)) {
        // Error answers are documented as the one Error envelope.
        if (Number(status) >= 400) continue;
        const name = `${nameOf(route)} ${status}`;
        const found = documentedAs(Object.keys(doc.paths), route);
        expect([name, found.length > 0]).toEqual([name, true]);
        for (const { path, specialised } of found) {
          const content = doc.paths[path]?.[route.method]?.responses[status]?.content ?? {};
          // fastify's per-media-type form is OpenAPI's own; any other schema is the JSON body's.
          const [documented, declared] = 'content' in schema ? [content, schema['content']] : [content['application/json']?.schema, schema];
          // A specialised path types `data` (and names its view) by the contracts; the rest is the route's own schema.
          const comparable = (value: unknown) => (specialised ? withoutTypedFields(value) : value);
          expect([name, path, comparable(documented)]).toEqual([name, path, comparable(declared)]);
          checked.push(`${name} ${path}`);
        }
      }
    expect(checked).toEqual(
      expect.arrayContaining([
        'GET /metrics 200 /metrics',
        'GET /v1/contracts 200 /v1/contracts',
        'POST /v1/tenants/:tenant/slicing 200 /v1/tenants/{tenant}/slicing',
        'GET /v1/tenants/:tenant/views/:viewId/:entityId 200 /v1/tenants/{tenant}/views/product-detail/{entityId}',
        'PUT /v1/tenants/:tenant/raw/:entityType/:entityId/versions/:version 201 /v1/tenants/{tenant}/raw/brand/{entityId}/versions/{version}',
      ]),
    );
  });
});

/** Route parameters the document replaces by each contract id (raw by entity type, views by view id). */
const SPECIALISED = new Set([':entityType', ':viewId']);

/** The document's paths of a route: its own, or one per entity type / view where the document specialises it. */
function documentedAs(paths: readonly string[], route: RouteDoc): { path: string; specialised: boolean }[] {
  const segments = route.url.split('/');
  // The slices route keeps its {entityType}: its answer is not typed by the contracts.
  const specialised = !route.url.includes('/slices/') && segments.some((segment) => SPECIALISED.has(segment));
  const matches = (path: string) => {
    const parts = path.split('/');
    return (
      parts.length === segments.length &&
      segments.every((segment, i) => (specialised && SPECIALISED.has(segment) ? !parts[i]?.startsWith('{') : parts[i] === segment.replace(/^:(.+)$/, '{$1}')))
    );
  };
  return paths.filter(matches).map((path) => ({ path, specialised }));
}

function withoutTypedFields(schema: unknown): unknown {
  const { properties, ...rest } = schema as { properties: Record<string, unknown> };
  const { data: _data, view: _view, ...others } = properties;
  return { ...rest, properties: others };
}
