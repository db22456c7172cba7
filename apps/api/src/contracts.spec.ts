import { useTestApi } from './testing/use-test-api';

/** The sample catalog as listed, sinks with what this API's environment makes of them. */
const catalog = (personalize: Record<string, unknown>, opensearch: Record<string, unknown>) => [
  { kind: 'EntitySchema', id: 'brand', version: '1.0.0' },
  { kind: 'EntitySchema', id: 'category', version: '1.0.0' },
  { kind: 'EntitySchema', id: 'product', version: '1.0.0' },
  { kind: 'RuleSet', id: 'brand', version: '1.0.0' },
  { kind: 'RuleSet', id: 'category', version: '1.0.0' },
  { kind: 'RuleSet', id: 'product', version: '1.0.0' },
  { kind: 'Sink', id: 'opensearch-products', version: '1.0.0', ...opensearch },
  { kind: 'Sink', id: 'personalize', version: '1.0.0', ...personalize },
  { kind: 'View', id: 'product-detail', version: '1.0.0' },
];

describe('GET /v1/contracts without PERSONALIZE_WEBHOOK_URL', () => {
  const api = useTestApi({ env: { OPENSEARCH_URL: 'http://127.0.0.1:9200' } });

  it('lists the loaded contracts, each sink saying why it is not configured', async () => {
    const answer = await api.request('GET', '/v1/contracts');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(
      catalog({ configured: false, reason: 'PERSONALIZE_WEBHOOK_URL is not set', missing: 'PERSONALIZE_WEBHOOK_URL' }, { configured: true }),
    );
  });
});

describe('GET /v1/contracts with PERSONALIZE_WEBHOOK_URL', () => {
  const api = useTestApi({ env: { PERSONALIZE_WEBHOOK_URL: 'http://127.0.0.1:9/ivm' } });

  it('lists the webhook sink as configured', async () => {
    const answer = await api.request('GET', '/v1/contracts');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(catalog({ configured: true }, { configured: false, reason: 'OPENSEARCH_URL is not set', missing: 'OPENSEARCH_URL' }));
  });
});

describe('GET /v1/contracts with a PERSONALIZE_WEBHOOK_URL that is not an http(s) URL', () => {
  const api = useTestApi({ env: { PERSONALIZE_WEBHOOK_URL: 'personalize.internal:8080' } });

  it('says what is wrong, without the value', async () => {
    const answer = await api.request('GET', '/v1/contracts');
    expect(answer.body).toContainEqual({
      kind: 'Sink',
      id: 'personalize',
      version: '1.0.0',
      configured: false,
      reason: 'PERSONALIZE_WEBHOOK_URL is not an http(s) URL',
      missing: 'PERSONALIZE_WEBHOOK_URL',
    });
    expect(answer.text).not.toContain('personalize.internal');
  });
});
