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
  it('declare the answer of every /v1 route for each success status it documents', () => {
    const missing = api.routes
      .filter((route) => route.url.startsWith('/v1/'))
      .flatMap((route) =>
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

  it('are part of the OpenAPI document', async () => {
    const doc = (await api.request('GET', '/openapi.json', { key: null })).body as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
    };
    const checked: string[] = [];
    for (const route of api.routes)
      for (const [status, schema] of Object.entries(responseSchemas(route))) {
        const name = `${nameOf(route)} ${status}`;
        const operation = doc.paths[route.url.replace(/:([A-Za-z]+)/g, '{$1}')]?.[route.method];
        expect([name, operation?.responses[status]?.content?.['application/json']?.schema]).toEqual([name, schema]);
        checked.push(name);
      }
    expect(checked).toEqual(
      expect.arrayContaining(['GET /v1/contracts 200', 'POST /v1/tenants/:tenant/slicing 200', 'GET /v1/tenants/:tenant/views/:viewId/:entityId 200']),
    );
  });
});
