import { InvariantViolationError, type SinkContract, SinkNotConfiguredError, type SinkOperation } from '@ivm/domain';
import { sampleRegistry } from '@ivm/domain/testing';
import { startWebhookReceiver, type WebhookReceiver } from '../testing';
import { webhookIdempotencyKey } from './payload';
import { createWebhookSink, type WebhookSinkConfig } from './webhook-sink';

const TENANT = 'acme';
const sink = sampleRegistry().sink('personalize');
const upsert = (id: string, revision: number, version = 1): SinkOperation => ({
  kind: 'upsert',
  docId: `${TENANT}:${id}`,
  entityKey: `product#${id}`,
  version,
  revision,
  document: { sku: id, name: `Product ${id}`, revision },
});
const remove = (id: string, revision: number, version = 2): SinkOperation => ({
  kind: 'delete',
  docId: `${TENANT}:${id}`,
  entityKey: `product#${id}`,
  version,
  revision,
});

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

const plugin = (config: Partial<WebhookSinkConfig> = {}) => createWebhookSink({ resolveUrl: () => receiver.url, timeoutMs: 2000, concurrency: 4, ...config });
const apply = (operations: SinkOperation[], config: Partial<WebhookSinkConfig> = {}) => plugin(config).apply(sink, TENANT, operations);

describe('webhook sink against a receiver over HTTP', () => {
  it('POSTs each operation as JSON with an Idempotency-Key; a 2xx is applied', async () => {
    expect(await apply([upsert('P1', 3)])).toEqual([{ docId: 'acme:P1', status: 'applied' }]);
    const [delivery] = receiver.deliveries();
    expect(delivery?.status).toBe(200);
    expect(delivery?.body).toEqual({
      sinkId: 'personalize',
      tenantId: 'acme',
      docId: 'acme:P1',
      entityKey: 'product#P1',
      version: 1,
      revision: 3,
      op: 'upsert',
      document: { sku: 'P1', name: 'Product P1', revision: 3 },
    });
    expect(delivery?.headers['content-type']).toBe('application/json');
    expect(delivery?.idempotencyKey).toMatch(/^[0-9a-f]{64}$/);
    expect(receiver.held(TENANT, 'acme:P1')).toMatchObject({ revision: 3, version: 1, deleted: false, document: { sku: 'P1' } });
  });

  it('a delete is applied without a document, and the revision it leaves blocks a late stale upsert', async () => {
    await apply([upsert('P1', 1)]);
    expect(await apply([remove('P1', 2)])).toEqual([{ docId: 'acme:P1', status: 'applied' }]);
    expect(receiver.deliveries()[1]?.body).toEqual({
      sinkId: 'personalize',
      tenantId: 'acme',
      docId: 'acme:P1',
      entityKey: 'product#P1',
      version: 2,
      revision: 2,
      op: 'delete',
    });
    expect(await apply([upsert('P1', 1)])).toEqual([{ docId: 'acme:P1', status: 'stale', reason: 'HTTP 409' }]);
    expect(receiver.held(TENANT, 'acme:P1')).toEqual({ tenantId: 'acme', docId: 'acme:P1', revision: 2, version: 2, deleted: true });
  });

  it('a 409 (the receiver holds this or a newer revision) is stale: success, nothing to redo', async () => {
    await apply([upsert('P1', 5)]);
    expect(await apply([upsert('P1', 5), upsert('P1', 4)], { concurrency: 1 })).toEqual([
      { docId: 'acme:P1', status: 'stale', reason: 'HTTP 409' },
      { docId: 'acme:P1', status: 'stale', reason: 'HTTP 409' },
    ]);
    expect(receiver.held(TENANT, 'acme:P1')?.revision).toBe(5);
  });

  it('a 429 or a 5xx is retry, with the reason', async () => {
    receiver.fail({ status: 429 });
    expect(await apply([upsert('P1', 1)])).toEqual([{ docId: 'acme:P1', status: 'retry', reason: 'HTTP 429 (Retry-After: 1)' }]);
    receiver.fail({ status: 500 });
    expect(await apply([upsert('P1', 1)])).toEqual([{ docId: 'acme:P1', status: 'retry', reason: 'HTTP 500' }]);
    receiver.fail({ status: 503 });
    expect(await apply([upsert('P1', 1)])).toEqual([{ docId: 'acme:P1', status: 'retry', reason: 'HTTP 503' }]);
    expect(receiver.held(TENANT, 'acme:P1')).toBeUndefined();
    expect(await apply([upsert('P1', 1)])).toEqual([{ docId: 'acme:P1', status: 'applied' }]);
  });

  it('a refused connection (nothing listens on the port) is retry', async () => {
    const gone = await startWebhookReceiver();
    await gone.close();
    expect(await apply([upsert('P1', 1), remove('P2', 1)], { resolveUrl: () => gone.url })).toEqual([
      { docId: 'acme:P1', status: 'retry', reason: 'connection refused (ECONNREFUSED)' },
      { docId: 'acme:P2', status: 'retry', reason: 'connection refused (ECONNREFUSED)' },
    ]);
  });

  it('a receiver slower than timeoutMs is retry; when it stored the document anyway, the retry is stale', async () => {
    receiver.fail({ delayMs: 1500 });
    const started = Date.now();
    expect(await apply([upsert('P1', 1)], { timeoutMs: 150 })).toEqual([{ docId: 'acme:P1', status: 'retry', reason: 'timed out after 150 ms' }]);
    // Well under the receiver's delay: the client gave up, it did not wait for the answer.
    expect(Date.now() - started).toBeLessThan(1200);
    await receiver.waitForDeliveries(1);
    expect(await apply([upsert('P1', 1)])).toEqual([{ docId: 'acme:P1', status: 'stale', reason: 'HTTP 409' }]);
  });

  it('a connection dropped without an answer is retry', async () => {
    receiver.fail({ drop: true });
    const [outcome] = await apply([upsert('P1', 1)]);
    expect(outcome).toEqual({ docId: 'acme:P1', status: 'retry', reason: expect.stringMatching(/^network error/) as string });
    expect(receiver.deliveries().map((d) => d.status)).toEqual(['dropped']);
  });

  it('any other 4xx (and a 3xx: redirects are not followed) is rejected, with the status and the start of the body', async () => {
    receiver.fail({ status: 400 });
    expect(await apply([upsert('P1', 1)])).toEqual([{ docId: 'acme:P1', status: 'rejected', reason: 'HTTP 400: {"error":"injected 400"}' }]);
    receiver.fail({ status: 404 });
    expect(await apply([upsert('P1', 1)])).toEqual([{ docId: 'acme:P1', status: 'rejected', reason: 'HTTP 404: {"error":"injected 404"}' }]);
    receiver.fail({ status: 302 });
    expect(await apply([upsert('P1', 1)])).toEqual([{ docId: 'acme:P1', status: 'rejected', reason: 'HTTP 302: {"error":"injected 302"}' }]);
    // The receiver's own refusal of a malformed delivery (version 0) reads the same way.
    expect(await apply([{ ...upsert('P1', 1), version: 0 }])).toEqual([
      { docId: 'acme:P1', status: 'rejected', reason: 'HTTP 400: {"error":"version must be an integer ≥ 1"}' },
    ]);
    expect(receiver.held(TENANT, 'acme:P1')).toBeUndefined();
  });

  it('a mixed batch answers every outcome in input order, whatever order the answers came in', async () => {
    await apply([upsert('C', 9)]);
    receiver.fail({ docId: 'acme:A', delayMs: 300 });
    receiver.fail({ docId: 'acme:B', status: 400, times: Infinity });
    receiver.fail({ docId: 'acme:D', status: 500, times: Infinity });
    const outcomes = await apply([upsert('A', 1), upsert('B', 1), upsert('C', 2), upsert('D', 1), remove('E', 1)]);
    expect(outcomes).toEqual([
      { docId: 'acme:A', status: 'applied' },
      { docId: 'acme:B', status: 'rejected', reason: 'HTTP 400: {"error":"injected 400"}' },
      { docId: 'acme:C', status: 'stale', reason: 'HTTP 409' },
      { docId: 'acme:D', status: 'retry', reason: 'HTTP 500' },
      { docId: 'acme:E', status: 'applied' },
    ]);
    // A answered last: the receiver's order differs from the outcomes' order.
    expect(receiver.deliveries().at(-1)?.body).toMatchObject({ docId: 'acme:A' });
  });

  it('sends one Idempotency-Key for every retry of a delivery, from any process, and a new one per revision or op', async () => {
    receiver.fail({ status: 500 });
    expect((await apply([upsert('P1', 7)]))[0]?.status).toBe('retry');
    // Another plugin instance stands for another worker retrying the same delivery.
    expect((await apply([upsert('P1', 7)]))[0]?.status).toBe('applied');
    await apply([upsert('P1', 8), remove('P1', 9)], { concurrency: 1 });
    const keys = receiver.deliveries().map((d) => d.idempotencyKey);
    expect(keys[0]).toBe(keys[1]);
    expect(new Set(keys).size).toBe(3);
    expect(keys[0]).toBe(webhookIdempotencyKey({ sinkId: 'personalize', tenantId: TENANT, docId: 'acme:P1', revision: 7, op: 'upsert' }));
    expect(webhookIdempotencyKey({ sinkId: 'personalize', tenantId: TENANT, docId: 'acme:P1', revision: 7, op: 'delete' })).not.toBe(keys[0]);
    expect(webhookIdempotencyKey({ sinkId: 'personalize', tenantId: 'other', docId: 'acme:P1', revision: 7, op: 'upsert' })).not.toBe(keys[0]);
  });

  it('never has more than `concurrency` deliveries in flight', async () => {
    const slow = await startWebhookReceiver({ latencyMs: 40 });
    try {
      const operations = Array.from({ length: 12 }, (_, i) => upsert(`P${i}`, 1));
      const outcomes = await apply(operations, { resolveUrl: () => slow.url, concurrency: 3 });
      expect(outcomes.map((o) => o.status)).toEqual(operations.map(() => 'applied'));
      expect(slow.maxInFlight()).toBe(3);
      expect(slow.documents()).toHaveLength(12);
      slow.reset();
      await apply(operations.slice(0, 4), { resolveUrl: () => slow.url, concurrency: 1 });
      expect(slow.maxInFlight()).toBe(1);
    } finally {
      await slow.close();
    }
  });

  it('sends the credentials of a URL (user:password@) as Basic authorization, since fetch refuses them in the URL', async () => {
    const withCredentials = receiver.url.replace('http://', 'http://ivm:s%40cret@');
    expect(await apply([upsert('P1', 1)], { resolveUrl: () => withCredentials })).toEqual([{ docId: 'acme:P1', status: 'applied' }]);
    expect(receiver.deliveries()[0]?.headers['authorization']).toBe(`Basic ${Buffer.from('ivm:s@cret').toString('base64')}`);
    expect(await apply([upsert('P2', 1)])).toEqual([{ docId: 'acme:P2', status: 'applied' }]);
    expect(receiver.deliveries()[1]?.headers['authorization']).toBeUndefined();
  });

  it('uses the fetch it is given', async () => {
    const urls: string[] = [];
    const counting: typeof fetch = (input, init) => {
      urls.push(String(input));
      return fetch(input, init);
    };
    expect(await apply([upsert('P1', 1)], { fetch: counting })).toEqual([{ docId: 'acme:P1', status: 'applied' }]);
    expect(urls).toEqual([receiver.url]);
  });
});

describe('webhook sink failures that are not per item', () => {
  it('a URL that cannot be resolved fails the whole apply with SinkNotConfiguredError, keeping the cause', async () => {
    const cause = new Error('PERSONALIZE_WEBHOOK_URL is not set');
    const error = await apply([upsert('P1', 1)], {
      resolveUrl: () => {
        throw cause;
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinkNotConfiguredError);
    expect(error).toMatchObject({
      code: 'SINK_NOT_CONFIGURED',
      message: 'Sink "personalize" is not configured: its URL cannot be resolved: PERSONALIZE_WEBHOOK_URL is not set',
      cause,
    });
    const notConfigured = new SinkNotConfiguredError('personalize', 'PERSONALIZE_WEBHOOK_URL is not set');
    await expect(
      apply([upsert('P1', 1)], {
        resolveUrl: () => {
          throw notConfigured;
        },
      }),
    ).rejects.toBe(notConfigured);
    await expect(apply([upsert('P1', 1)], { resolveUrl: () => 'file:///etc/passwd' })).rejects.toThrow('its URL is not an http(s) URL');
  });

  it('an empty batch sends nothing and needs no URL', async () => {
    expect(await apply([], { resolveUrl: () => 'not a url' })).toEqual([]);
    expect(receiver.deliveries()).toEqual([]);
  });

  it('refuses a sink of another type, and a config out of range', async () => {
    const opensearch: SinkContract = sampleRegistry().sink('opensearch-products');
    await expect(plugin().apply(opensearch, TENANT, [upsert('P1', 1)])).rejects.toThrow(InvariantViolationError);
    expect(() => plugin({ concurrency: 0 })).toThrow(RangeError);
    expect(() => plugin({ timeoutMs: 1.5 })).toThrow(RangeError);
  });
});
