import { type RouteDoc } from './openapi';
import { ADMIN_KEY, brandDoc, KEY, OTHER_KEY, productDoc, rawPath, TENANT } from './testing/http-harness';
import { useTestApi } from './testing/use-test-api';

const api = useTestApi();

const RAW = '/v1/tenants/:tenant/raw/:entityType/:entityId/versions/:version';
/** The tenant routes of API.md; the table below is derived from the server, this only proves the derivation finds them. */
const KNOWN_TENANT_ROUTES = [
  `PUT ${RAW}`,
  `DELETE ${RAW}`,
  `GET ${RAW}`,
  'POST /v1/tenants/:tenant/changesets',
  'POST /v1/tenants/:tenant/slicing',
  'GET /v1/tenants/:tenant/slices/:entityType/:entityId',
  'GET /v1/tenants/:tenant/views/:viewId/:entityId',
];

/** Path parameters that name something stored (product TP at version 1, sliced and cut over), so the owner's request succeeds. */
const DEFAULT_PARAMS: Readonly<Record<string, string>> = { entityType: 'product', entityId: 'TP', version: '1', viewId: 'product-detail' };

interface RouteCase {
  readonly params?: Readonly<Record<string, string>>;
  /** A body the owner's key would get a 2xx for. */
  readonly body?: unknown;
  /** Where the route writes, looked at with the owner's key, and what is there when the refused request wrote nothing. */
  readonly written?: { readonly look: () => Promise<unknown>; readonly nothing: unknown };
}

const status = async (answer: Promise<{ status: number }>) => (await answer).status;

/** What a route needs besides DEFAULT_PARAMS. A route that writes must say where to look for what it would have written. */
const CASES: Readonly<Record<string, RouteCase>> = {
  [`PUT ${RAW}`]: {
    params: { entityType: 'brand', entityId: 'T-PUT', version: '1' },
    body: brandDoc('T-PUT', 'Intruder'),
    written: { look: () => status(api.request('GET', rawPath('brand', 'T-PUT', 'latest'))), nothing: 404 },
  },
  [`DELETE ${RAW}`]: {
    params: { entityType: 'brand', entityId: 'TB', version: '2' },
    written: {
      look: async () => (await api.request('GET', rawPath('brand', 'TB', 'latest'))).body,
      nothing: expect.objectContaining({ version: 1, deleted: false }),
    },
  },
  'POST /v1/tenants/:tenant/changesets': {
    body: { entityType: 'brand', entityId: 'T-CS', fromVersion: 0, toVersion: 1 },
    // 201 (created), not 200 (already stored).
    written: {
      look: () =>
        status(api.request('POST', `/v1/tenants/${TENANT}/changesets`, { body: { entityType: 'brand', entityId: 'T-CS', fromVersion: 0, toVersion: 1 } })),
      nothing: 201,
    },
  },
  'POST /v1/tenants/:tenant/deploys': {
    body: { records: [{ entityType: 'brand', entityId: 'T-DEP', version: 1, data: brandDoc('T-DEP', 'Intruder') }] },
    written: { look: () => status(api.request('GET', rawPath('brand', 'T-DEP', 'latest'))), nothing: 404 },
  },
  // The job the owner's POST above created (the test API numbers its jobs).
  'GET /v1/tenants/:tenant/deploys/:jobId': { params: { jobId: 'job-1' } },
  'POST /v1/tenants/:tenant/slicing': {
    body: { entityType: 'brand', entityId: 'T-SL', version: 1, mode: 'FULL' },
    written: { look: async () => (await api.request('GET', `/v1/tenants/${TENANT}/slices/brand/T-SL`)).body, nothing: { version: 1, slices: {} } },
  },
};

const nameOf = (route: RouteDoc) => `${route.method.toUpperCase()} ${route.url}`;

function requestFor(route: RouteDoc): { path: string; body?: unknown } {
  const routeCase = CASES[nameOf(route)] ?? {};
  const params: Record<string, string> = { ...DEFAULT_PARAMS, ...routeCase.params, tenant: TENANT };
  const path = route.url.replace(/:(\w+)/g, (_match, name: string) => params[name] ?? 'x');
  return route.method === 'get' || route.method === 'delete' ? { path } : { path, body: routeCase.body ?? {} };
}

beforeAll(async () => {
  for (const [type, id, doc] of [
    ['brand', 'TB', brandDoc('TB', 'Acme')],
    ['product', 'TP', productDoc('TP', 'TB')],
    ['brand', 'T-CS', brandDoc('T-CS', 'Changes')],
    ['brand', 'T-SL', brandDoc('T-SL', 'Unsliced')],
  ] as const)
    expect((await api.request('PUT', rawPath(type, id, 1), { body: doc })).status).toBe(201);
  for (const [entityType, entityId] of [
    ['brand', 'TB'],
    ['product', 'TP'],
  ])
    expect((await api.request('POST', `/v1/tenants/${TENANT}/slicing`, { body: { entityType, entityId, version: 1, mode: 'FULL' } })).status).toBe(200);
});

describe('tenancy over every route, as the server registered them', () => {
  it("guards every route on a tenant's path with the tenant rule", () => {
    // A weaker rule there would serve any tenant's key, and drop the route from the table below.
    expect(api.routes.filter((route) => route.url.includes(':tenant') && route.auth !== 'tenant').map(nameOf)).toEqual([]);
  });

  it('knows, for every tenant route that writes, where to look for what it would have written', () => {
    expect(api.routes.filter((route) => route.method !== 'get' && route.auth === 'tenant' && !CASES[nameOf(route)]?.written).map(nameOf)).toEqual([]);
  });

  it("answers another tenant's key with 403 FORBIDDEN and writes nothing; no key or an unknown key with 401", async () => {
    const tenantRoutes = api.routes.filter((route) => route.auth === 'tenant');
    expect(tenantRoutes.map(nameOf)).toEqual(expect.arrayContaining(KNOWN_TENANT_ROUTES));
    for (const route of tenantRoutes) {
      const name = nameOf(route);
      const { path, body } = requestFor(route);
      const ask = (key: string | null) => api.request(route.method.toUpperCase(), path, { ...(body === undefined ? {} : { body }), key });
      const refusal = (code: string) => ({ error: { code, message: expect.any(String), details: [] } });

      const crossTenant = await ask(OTHER_KEY);
      expect([name, crossTenant.status, crossTenant.body]).toEqual([name, 403, refusal('FORBIDDEN')]);
      const noKey = await ask(null);
      expect([name, noKey.status, noKey.body]).toEqual([name, 401, refusal('UNAUTHENTICATED')]);
      const unknownKey = await ask('not-a-key');
      expect([name, unknownKey.status, unknownKey.body]).toEqual([name, 401, refusal('UNAUTHENTICATED')]);
      const written = CASES[name]?.written;
      if (written) expect([name, await written.look()]).toEqual([name, written.nothing]);

      // The same request with the owner's key goes through: the refusals above were about the key, not the request.
      const owner = await ask(KEY);
      expect([name, owner.status >= 200 && owner.status < 300]).toEqual([name, true]);
    }
  });

  it('answers the admin routes with 403 for a tenant key and 401 for no key or an unknown key', async () => {
    const adminRoutes = api.routes.filter((route) => route.auth === 'admin');
    expect(adminRoutes.map(nameOf).sort()).toEqual(['GET /v1/admin/outbox', 'POST /v1/admin/outbox/:taskId/redrive']);
    for (const route of adminRoutes) {
      const name = nameOf(route);
      const path = route.url.replace(':taskId', 'nope');
      for (const [key, status, code] of [
        [KEY, 403, 'FORBIDDEN'],
        [null, 401, 'UNAUTHENTICATED'],
        ['not-a-key', 401, 'UNAUTHENTICATED'],
      ] as const) {
        const answer = await api.request(route.method.toUpperCase(), path, { key });
        expect([name, key, answer.status, (answer.body as { error: { code: string } }).error.code]).toEqual([name, key, status, code]);
      }
      const admin = await api.request(route.method.toUpperCase(), path, { key: ADMIN_KEY });
      expect([name, admin.status]).toEqual([name, route.method === 'get' ? 200 : 404]);
    }
  });

  it('answers every other route that needs a key with 401 for no key or an unknown key', async () => {
    const keyRoutes = api.routes.filter((route) => route.auth === 'any-tenant');
    expect(keyRoutes.map(nameOf)).toEqual(expect.arrayContaining(['GET /v1/contracts']));
    for (const route of keyRoutes) {
      const name = nameOf(route);
      for (const key of [null, 'not-a-key']) {
        const answer = await api.request(route.method.toUpperCase(), route.url, { key });
        expect([name, key, answer.status, answer.body]).toEqual([
          name,
          key,
          401,
          { error: { code: 'UNAUTHENTICATED', message: expect.any(String), details: [] } },
        ]);
      }
      expect([name, (await api.request(route.method.toUpperCase(), route.url, { key: OTHER_KEY })).status]).toEqual([name, 200]);
    }
  });
});
