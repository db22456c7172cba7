import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type JsonObject } from '@ivm/domain';
import { type WebhookPayload } from '../src/payload';

/** How the receiver starts. */
export interface WebhookReceiverOptions {
  /** Default: an ephemeral port. A closed receiver's port brings its URL back (a receiver restart). */
  readonly port?: number;
  /** Wait this long before answering every request (a slow receiver). Default 0. */
  readonly latencyMs?: number;
}

/**
 * A misbehaviour for the next matching requests, checked before the delivery is handled (so an
 * injected status never stores the document). Without `status` or `drop`, the request waits
 * `delayMs` and is then handled normally (it may be stored after the client gave up, as in life).
 */
export interface WebhookFault {
  /** Answer this status (e.g. 429, 500, 400) instead of handling the delivery. */
  readonly status?: number;
  /** Destroy the connection without an answer. */
  readonly drop?: boolean;
  /** Wait this long first (ms). */
  readonly delayMs?: number;
  /** Only requests delivering this docId. Default: any request. */
  readonly docId?: string;
  /** How many matching requests it applies to. Default 1; `Infinity` for all. */
  readonly times?: number;
}

/** One request as the receiver saw it, with its answer. */
export interface ReceivedDelivery {
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly idempotencyKey: string | undefined;
  /** The parsed JSON body (a WebhookPayload when the sender is right), or the raw text when it is not JSON. */
  readonly body: WebhookPayload | unknown;
  /** The status answered, or `dropped` (connection destroyed, no answer). */
  readonly status: number | 'dropped';
}

/** The newest state the receiver holds for one (tenantId, docId). */
export interface HeldDocument {
  readonly tenantId: string;
  readonly docId: string;
  readonly revision: number;
  readonly version: number;
  /** True after a delete: the revision is kept, so a late stale upsert cannot bring the document back. */
  readonly deleted: boolean;
  readonly document?: JsonObject;
}

/** A correct webhook receiver on 127.0.0.1 for tests and benchmarks (see `startWebhookReceiver`). */
export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hook`: what a sink's URL variable should hold. */
  readonly url: string;
  readonly port: number;
  /** Every request answered (or dropped) so far, in answer order. */
  deliveries(): readonly ReceivedDelivery[];
  /** The held state of one document. */
  held(tenantId: string, docId: string): HeldDocument | undefined;
  /** Every held document, sorted by tenantId then docId. */
  documents(): readonly HeldDocument[];
  /** Queues a fault; faults are tried in the order they were queued. */
  fail(fault: WebhookFault): void;
  /** Most requests ever in progress at once (since the start or the last reset). */
  maxInFlight(): number;
  /** Resolves once `count` deliveries were recorded. @throws after `timeoutMs` (default 5000), naming how many came */
  waitForDeliveries(count: number, timeoutMs?: number): Promise<readonly ReceivedDelivery[]>;
  /** Forgets deliveries, held documents, faults and maxInFlight. */
  reset(): void;
  /** Stops listening and drops open connections (and pending delays). */
  close(): Promise<void>;
}

/**
 * Starts a webhook receiver that behaves as API.md "Sinks" asks of one: it keeps, per (tenantId,
 * docId), the highest revision and its document; answers 200 for a higher revision, 409 for a
 * revision ≤ the held one, 400 for a request that is not a well-formed delivery (no
 * Idempotency-Key, not JSON, a field missing). Faults are injected with `fail`.
 */
export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const state = new ReceiverState();
  const server = createServer((request, response) => {
    state.handle(request, response, options.latencyMs ?? 0).catch((error: unknown) => {
      // A receiver bug must show in the test, not hang it.
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    deliveries: () => [...state.deliveries],
    held: (tenantId, docId) => state.held.get(heldKey(tenantId, docId)),
    documents: () => [...state.held.values()].sort((a, b) => compare(a.tenantId, b.tenantId) || compare(a.docId, b.docId)),
    fail: (fault) => state.faults.push({ ...fault, left: fault.times ?? 1 }),
    maxInFlight: () => state.maxInFlight,
    waitForDeliveries: (count, timeoutMs = 5000) => state.waitFor(count, timeoutMs),
    reset: () => state.reset(),
    close: async () => {
      state.closing();
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      server.closeAllConnections();
      await closed;
    },
  };
}

type QueuedFault = WebhookFault & { left: number };

/** Everything the receiver remembers, and how it answers one request. */
class ReceiverState {
  readonly deliveries: ReceivedDelivery[] = [];
  readonly held = new Map<string, HeldDocument>();
  faults: QueuedFault[] = [];
  maxInFlight = 0;
  private inFlight = 0;
  private readonly waiters = new Set<() => void>();
  private readonly sleepers = new Set<() => void>();

  async handle(request: IncomingMessage, response: ServerResponse, latencyMs: number): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    response.once('close', () => this.inFlight--);
    const text = await readText(request);
    const headers = headerRecord(request);
    const body = parseJson(text);
    const record = (status: number | 'dropped') => this.record({ headers, idempotencyKey: headers['idempotency-key'], body, status });
    const fault = this.takeFault(isObject(body) && typeof body['docId'] === 'string' ? body['docId'] : undefined);
    const delayMs = latencyMs + (fault?.delayMs ?? 0);
    if (delayMs > 0) await this.sleep(delayMs);
    if (fault?.drop === true) {
      record('dropped');
      request.socket.destroy();
      return;
    }
    if (fault?.status !== undefined) {
      record(answer(response, fault.status, { error: `injected ${fault.status}` }, fault.status === 429 ? { 'retry-after': '1' } : {}));
      return;
    }
    record(this.deliver(request, headers, body, response));
  }

  private deliver(request: IncomingMessage, headers: Record<string, string>, body: unknown, response: ServerResponse): number {
    if (request.method !== 'POST') return answer(response, 405, { error: 'POST only' });
    if (!(headers['content-type'] ?? '').startsWith('application/json')) return answer(response, 415, { error: 'JSON only' });
    if (!headers['idempotency-key']) return answer(response, 400, { error: 'no Idempotency-Key header' });
    const problem = payloadProblem(body);
    if (problem !== undefined) return answer(response, 400, { error: problem });
    const payload = body as WebhookPayload;
    const key = heldKey(payload.tenantId, payload.docId);
    const held = this.held.get(key);
    if (held !== undefined && payload.revision <= held.revision) return answer(response, 409, { error: 'stale', heldRevision: held.revision });
    const { tenantId, docId, revision, version } = payload;
    this.held.set(
      key,
      payload.op === 'upsert' && payload.document !== undefined
        ? { tenantId, docId, revision, version, deleted: false, document: payload.document }
        : { tenantId, docId, revision, version, deleted: true },
    );
    return answer(response, 200, { revision });
  }

  private takeFault(docId: string | undefined): QueuedFault | undefined {
    const fault = this.faults.find((f) => f.docId === undefined || f.docId === docId);
    if (fault === undefined) return undefined;
    fault.left--;
    if (fault.left <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  private record(delivery: ReceivedDelivery): void {
    this.deliveries.push(delivery);
    for (const wake of this.waiters) wake();
  }

  waitFor(count: number, timeoutMs: number): Promise<readonly ReceivedDelivery[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.deliveries.length < count) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve([...this.deliveries]);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`webhook receiver: ${this.deliveries.length} of ${count} deliveries after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  reset(): void {
    this.deliveries.length = 0;
    this.held.clear();
    this.faults = [];
    this.maxInFlight = this.inFlight;
  }

  /** Ends pending delays at once, so close() need not wait them out. */
  closing(): void {
    for (const wake of [...this.sleepers]) wake();
  }
}

/** Writes a JSON answer; returns its status (for the record). */
function answer(response: ServerResponse, status: number, body: JsonObject, headers: Record<string, string> = {}): number {
  if (!response.writableEnded && !response.destroyed) {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  }
  return status;
}

/** Why a body is not a delivery of API.md "Sinks", or undefined when it is one. */
function payloadProblem(body: unknown): string | undefined {
  if (!isObject(body)) return 'the body is not a JSON object';
  for (const field of ['sinkId', 'tenantId', 'docId', 'entityKey'])
    if (typeof body[field] !== 'string' || body[field] === '') return `${field} must be a non-empty string`;
  if (!Number.isSafeInteger(body['version']) || (body['version'] as number) < 1) return 'version must be an integer ≥ 1';
  if (!Number.isSafeInteger(body['revision']) || (body['revision'] as number) < 0) return 'revision must be an integer ≥ 0';
  if (body['op'] === 'upsert') return isObject(body['document']) ? undefined : 'an upsert carries a document object';
  if (body['op'] === 'delete') return body['document'] === undefined ? undefined : 'a delete carries no document';
  return 'op must be "upsert" or "delete"';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function headerRecord(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}

function heldKey(tenantId: string, docId: string): string {
  return JSON.stringify([tenantId, docId]);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
