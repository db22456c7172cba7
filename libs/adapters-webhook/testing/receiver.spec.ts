import { startWebhookReceiver, type WebhookReceiver } from './receiver';

const delivery = (docId: string, revision: number, extra: Record<string, unknown> = {}) => ({
  sinkId: 'personalize',
  tenantId: 'acme',
  docId,
  entityKey: `product#${docId}`,
  version: 1,
  revision,
  op: 'upsert',
  document: { sku: docId },
  ...extra,
});

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

/** One POST the way a sender would make it; `headers` replace the defaults. */
async function post(body: unknown, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(receiver.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'k', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('the webhook test receiver', () => {
  it('keeps the highest revision per (tenantId, docId): 200 above it, 409 at or below it', async () => {
    expect(await post(delivery('P1', 2))).toBe(200);
    expect(await post(delivery('P1', 2))).toBe(409);
    expect(await post(delivery('P1', 1))).toBe(409);
    expect(await post(delivery('P1', 1, { tenantId: 'globex' }))).toBe(200);
    expect(await post(delivery('P1', 3, { op: 'delete', document: undefined }))).toBe(200);
    expect(receiver.documents()).toEqual([
      { tenantId: 'acme', docId: 'P1', revision: 3, version: 1, deleted: true },
      { tenantId: 'globex', docId: 'P1', revision: 1, version: 1, deleted: false, document: { sku: 'P1' } },
    ]);
    expect(receiver.deliveries().map((d) => d.status)).toEqual([200, 409, 409, 200, 200]);
  });

  it('refuses what is not a well-formed delivery', async () => {
    expect(await post(delivery('P1', 1), { 'idempotency-key': '' })).toBe(400);
    expect(await post('{ not json')).toBe(400);
    expect(await post(delivery('P1', 1), { 'content-type': 'text/plain' })).toBe(415);
    expect(await post(delivery('P1', 1, { docId: 7 }))).toBe(400);
    expect(await post(delivery('P1', 1, { op: 'upsert', document: undefined }))).toBe(400);
    expect(await post(delivery('P1', 1, { op: 'delete' }))).toBe(400);
    expect((await fetch(receiver.url)).status).toBe(405);
    expect(receiver.documents()).toEqual([]);
    expect(receiver.deliveries()[1]?.body).toBe('{ not json');
  });

  it('injects faults in queue order, for the next N requests or for one docId', async () => {
    receiver.fail({ status: 500, times: 2 });
    receiver.fail({ status: 429 });
    expect([await post(delivery('P1', 1)), await post(delivery('P1', 1)), await post(delivery('P1', 1)), await post(delivery('P1', 1))]).toEqual([
      500, 500, 429, 200,
    ]);
    receiver.fail({ docId: 'P2', status: 400, times: Infinity });
    expect([await post(delivery('P2', 1)), await post(delivery('P3', 1)), await post(delivery('P2', 2))]).toEqual([400, 200, 400]);
    expect(receiver.held('acme', 'P2')).toBeUndefined();
  });

  it('drops a connection, or answers late', async () => {
    receiver.fail({ drop: true });
    await expect(post(delivery('P1', 1))).rejects.toThrow();
    receiver.fail({ delayMs: 150 });
    const started = Date.now();
    expect(await post(delivery('P1', 1))).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(receiver.deliveries().map((d) => d.status)).toEqual(['dropped', 200]);
  });

  it('waits for deliveries, and says how many came when they do not', async () => {
    const waiting = receiver.waitForDeliveries(2);
    await post(delivery('P1', 1));
    await post(delivery('P2', 1));
    expect(await waiting).toHaveLength(2);
    await expect(receiver.waitForDeliveries(3, 50)).rejects.toThrow('webhook receiver: 2 of 3 deliveries after 50 ms');
  });

  it('comes back on the same port, and closes without waiting out a pending delay', async () => {
    const first = await startWebhookReceiver();
    await first.close();
    const again = await startWebhookReceiver({ port: first.port });
    expect(again.url).toBe(first.url);
    again.fail({ delayMs: 10_000 });
    const pending = fetch(again.url, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await again.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await pending;
  });
});
