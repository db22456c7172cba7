import { useTestApi } from './testing/use-test-api';

describe('health, readiness, metrics, OpenAPI', () => {
  const api = useTestApi();

  it('GET /healthz → 200, GET /readyz → 200 when the stores answer', async () => {
    expect(await api.request('GET', '/healthz', { key: null })).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await api.request('GET', '/readyz', { key: null })).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('GET /metrics → Prometheus text with HTTP and DynamoDB request metrics', async () => {
    await api.request('GET', '/v1/contracts');
    await api.request('GET', '/v1/tenants/acme/raw/brand/M1/versions/latest');
    const metrics = await api.request('GET', '/metrics', { key: null });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(metrics.text).toContain('# HELP ivm_http_requests_total');
    expect(metrics.text).toContain('# HELP process_cpu_user_seconds_total');
    expect(metrics.text).toMatch(/ivm_http_requests_total\{method="GET",route="\/v1\/contracts",status="200"\} 1/);
    expect(metrics.text).toContain('ivm_http_request_duration_seconds_bucket');
    expect(metrics.text).toMatch(/ivm_dynamodb_requests_total\{operation="GetItem"\} \d+/);
  });

  it('GET /openapi.json → an OpenAPI 3.1 document listing every route, the raw and view routes once per entity type and view', async () => {
    const answer = await api.request('GET', '/openapi.json', { key: null });
    expect(answer.status).toBe(200);
    const doc = answer.body as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters?: { name: string }[] }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    const raw = (entityType: string) =>
      ['PUT', 'DELETE', 'GET'].map((method) => `${method} /v1/tenants/{tenant}/raw/${entityType}/{entityId}/versions/{version}`);
    expect(operations.sort()).toEqual(
      [
        'GET /healthz',
        'GET /v1/admin/outbox',
        'GET /v1/tenants/{tenant}/deploys/{jobId}',
        'POST /v1/admin/outbox/{taskId}/redrive',
        'POST /v1/tenants/{tenant}/deploys',
        'GET /readyz',
        'GET /metrics',
        'GET /v1/contracts',
        ...raw('brand'),
        ...raw('category'),
        ...raw('product'),
        'POST /v1/tenants/{tenant}/changesets',
        'POST /v1/tenants/{tenant}/slicing',
        'GET /v1/tenants/{tenant}/slices/{entityType}/{entityId}',
        'GET /v1/tenants/{tenant}/views/product-detail/{entityId}',
      ].sort(),
    );
    const put = doc.paths['/v1/tenants/{tenant}/raw/product/{entityId}/versions/{version}']?.['put'];
    expect(Object.keys(put?.responses ?? {})).toEqual(expect.arrayContaining(['200', '201', '400', '401', '403', '404', '409', '422']));
    expect(put?.parameters?.map((p) => p.name)).toEqual(['tenant', 'entityId', 'version']);
  });
});

describe('readiness when a store is unreachable', () => {
  const api = useTestApi({
    readiness: async () => {
      throw new Error('connect ECONNREFUSED');
    },
  });

  it('GET /readyz → 503 NOT_READY in the envelope, while /healthz stays 200', async () => {
    expect(await api.request('GET', '/readyz', { key: null })).toMatchObject({ status: 503, body: { error: { code: 'NOT_READY', details: [] } } });
    expect((await api.request('GET', '/healthz', { key: null })).status).toBe(200);
  });
});
