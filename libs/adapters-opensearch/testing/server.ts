import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import { Context, type Reply } from './context';
import { OpenSearchError, UnsupportedError } from './errors';
import { FaultState, injectedError, type ItemFault, type Outage, type RequestMatch } from './faults';
import { clone, type JsonObject } from './json';
import { Cluster } from './registry';
import { checkParams, matchRoute } from './router';
import { ROUTES } from './routes';

/** How the test server starts. */
export interface OpenSearchTestServerOptions {
  /** Default 0: an ephemeral port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** The clock `index.gc_deletes` and `index.refresh_interval` are measured on (ms). Default Date.now. */
  readonly clock?: { now(): number };
  /** When set, every request needs these HTTP basic credentials (401 otherwise, as the security plugin answers). */
  readonly auth?: { readonly username: string; readonly password: string };
  /** Called for every refusal recorded in `inspect.unsupported` (the CLI prints them). */
  readonly onUnsupported?: (entry: UnsupportedRequest) => void;
}

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** `_bulk` only: the number of non-empty NDJSON lines (action and source lines). */
  readonly bulkLines?: number;
  /** The status answered; undefined while in progress. */
  readonly status?: number;
  /** Set when a fault, an outage or the auth check answered instead of the API. */
  readonly answeredBy?: 'fault' | 'outage' | 'auth';
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A request, or part of one (a bulk item), the server refused because it does not implement it. */
export interface UnsupportedRequest {
  readonly method: string;
  readonly path: string;
  readonly reason: string;
}

export interface InspectedDocument {
  readonly _id: string;
  readonly _version: number;
  readonly _seq_no: number;
  readonly _primary_term: number;
  readonly _source: JsonObject;
}

export interface InspectedTombstone {
  readonly _id: string;
  readonly _version: number;
  /** When the delete happened, on the server's clock. */
  readonly deletedAt: number;
}

export interface OpenSearchTestServer {
  /** `http://127.0.0.1:<port>`: the `node` of an OpenSearch client. */
  readonly url: string;
  readonly port: number;
  readonly faults: {
    /** Answers the next `count` matching requests with `status` (default 429) and OpenSearch's error body for it; faults queue in order. */
    failNextRequests(count: number, status?: number, match?: RequestMatch): void;
    /** Fails the bulk items `fault` returns an error for (the rest of each bulk still applies), until `restore()`. */
    failItems(fault: ItemFault): void;
    /** `'refuse'`: every connection is destroyed at once (a connection error); `503`: every request answers 503. */
    outage(mode: Outage): void;
    /** Clears every fault and the outage. */
    restore(): void;
  };
  readonly inspect: {
    /** Every request received, in order. */
    readonly requests: readonly RecordedRequest[];
    /** The live documents of an index (or single-index alias), realtime, sorted by id. @throws when there is no such index */
    documents(index: string): InspectedDocument[];
    /** The delete tombstones an index still remembers (younger than `index.gc_deletes` on the clock). */
    tombstones(index: string): InspectedTombstone[];
    /** Everything refused as unsupported; a suite asserts it stays empty. */
    readonly unsupported: readonly UnsupportedRequest[];
  };
  /** Forgets every index, request, refusal and fault. */
  reset(): void;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

const JSON_TYPES = ['application/json', 'application/x-ndjson', 'application/vnd.opensearch+json', 'application/vnd.opensearch+x-ndjson'];

/**
 * Starts an OpenSearch-compatible HTTP server for tests: the subset of OpenSearch 2.x the sink
 * adapter uses, with OpenSearch's semantics (external versioning, delete tombstones forgotten
 * after `index.gc_deletes`, near-real-time search, mapping enforcement, bulk per-item outcomes)
 * and its error JSON; everything else is refused loudly and recorded in `inspect.unsupported`.
 * See README.md for what it implements and how it deviates.
 */
export async function startOpenSearchTestServer(options: OpenSearchTestServerOptions = {}): Promise<OpenSearchTestServer> {
  const clock = options.clock ?? { now: () => Date.now() };
  const state = new ServerState(new Cluster(() => clock.now()), new FaultState(), options);
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    state.handle(request, response).catch((error: unknown) => {
      // Only a failure to answer at all lands here; the socket goes, the test sees a connection error.
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  server.on('connection', (socket: Socket) => {
    if (state.faults.outage === 'refuse') {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    port,
    faults: {
      failNextRequests: (count, status = 429, match) => state.faults.failNextRequests(count, status, match),
      failItems: (fault) => {
        state.faults.itemFault = fault;
      },
      outage: (mode) => {
        state.faults.outage = mode;
        // Kept-alive connections would otherwise still carry requests.
        if (mode === 'refuse') for (const socket of sockets) socket.destroy();
      },
      restore: () => state.faults.restore(),
    },
    inspect: {
      get requests() {
        return state.requests.map((request) => ({ ...request }));
      },
      get unsupported() {
        return [...state.unsupported];
      },
      documents: (index) =>
        state.cluster
          .resolveSingle(index)
          .store.liveDocuments()
          .map((doc) => ({ _id: doc.id, _version: doc.version, _seq_no: doc.seqNo, _primary_term: doc.primaryTerm, _source: clone(doc.source) })),
      tombstones: (index) => {
        const target = state.cluster.resolveSingle(index);
        return target.store.rememberedTombstones(target.gcDeletesMs).map((t) => ({ _id: t.id, _version: t.version, deletedAt: t.deletedAt }));
      },
    },
    reset: () => state.reset(),
    close: async () => {
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      server.closeAllConnections();
      await closed;
    },
  };
}

class ServerState {
  readonly requests: Mutable<RecordedRequest>[] = [];
  readonly unsupported: UnsupportedRequest[] = [];

  constructor(
    readonly cluster: Cluster,
    readonly faults: FaultState,
    private readonly options: OpenSearchTestServerOptions,
  ) {}

  reset(): void {
    this.cluster.indices.clear();
    this.requests.length = 0;
    this.unsupported.length = 0;
    this.faults.restore();
  }

  private recordUnsupported(method: string, path: string, reason: string): void {
    const entry = { method, path, reason };
    this.unsupported.push(entry);
    this.options.onUnsupported?.(entry);
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (this.faults.outage === 'refuse') {
      request.socket.destroy();
      return;
    }
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://test-server');
    const path = url.pathname;
    const query = new Map(url.searchParams);
    const body = await readBody(request);
    const record: Mutable<RecordedRequest> = {
      method,
      path,
      query: Object.fromEntries(query),
      ...(path.endsWith('/_bulk') ? { bulkLines: body.split('\n').filter((line) => line.trim() !== '').length } : {}),
    };
    this.requests.push(record);
    const send = (answer: Reply, answeredBy?: RecordedRequest['answeredBy']) => {
      record.status = answer.status;
      if (answeredBy !== undefined) record.answeredBy = answeredBy;
      writeReply(response, answer, method === 'HEAD', query.has('pretty'));
    };
    if (this.faults.outage === 503) return send({ status: 503, body: injectedError(503).body() }, 'outage');
    if (!this.authorized(request)) {
      return send({ status: 401, body: 'Unauthorized', headers: { 'www-authenticate': 'Basic realm="OpenSearch Security"' } }, 'auth');
    }
    const faultStatus = this.faults.take(method, path);
    if (faultStatus !== undefined) return send({ status: faultStatus, body: injectedError(faultStatus).body() }, 'fault');
    const unsupported = (reason: string) => this.recordUnsupported(method, path, reason);
    try {
      send(this.route(method, path, query, body, request.headers['content-type'], unsupported));
    } catch (error) {
      if (error instanceof UnsupportedError) unsupported(error.reason);
      if (error instanceof OpenSearchError) return send({ status: error.status, body: error.body() });
      // A bug of the test server: loud in the answer and in `unsupported`, so no suite passes over it.
      const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
      unsupported(`test server error: ${reason}`);
      send({ status: 500, body: new OpenSearchError(500, 'test_server_error', reason).body() });
    }
  }

  private route(
    method: string,
    path: string,
    query: Map<string, string>,
    body: string,
    contentType: string | undefined,
    unsupported: (reason: string) => void,
  ): Reply {
    let segments: string[];
    try {
      segments = path
        .split('/')
        .filter((segment) => segment !== '')
        .map((segment) => decodeURIComponent(segment));
    } catch {
      throw new OpenSearchError(400, 'illegal_argument_exception', `unable to decode the path [${path}]`);
    }
    const match = matchRoute(ROUTES, method, segments);
    if (match.kind === 'none') {
      unsupported(`no handler for ${method} ${path}`);
      return { status: 400, body: { error: `no handler found for uri [${path}] and method [${method}] (not supported by the OpenSearch test server)` } };
    }
    if (match.kind === 'wrong-method') {
      unsupported(`method ${method} on ${path} (implemented: ${match.allowed.join(', ')})`);
      return {
        status: 405,
        body: { error: `Incorrect HTTP method for uri [${path}] and method [${method}], allowed: [${match.allowed.join(', ')}]`, status: 405 },
        headers: { allow: match.allowed.join(',') },
      };
    }
    if (body !== '') {
      // RestController refuses a body it cannot read with 406 and this old-style body.
      if (contentType === undefined) return { status: 406, body: { error: 'Content-Type header is missing', status: 406 } };
      const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
      if (!JSON_TYPES.includes(mediaType)) return { status: 406, body: { error: `Content-Type header [${contentType}] is not supported`, status: 406 } };
    }
    const index = match.params['index'];
    // No index name starts with "_": such a segment is an API OpenSearch has and the test server not (it answers as a real
    // cluster does for an unknown one, as an index name), except where a test checks the name rules (create index).
    if (index?.startsWith('_') && index !== '_all' && !(method === 'PUT' && match.route.pattern === '/{index}')) {
      unsupported(`[${index}] in ${method} ${path} is read as an index name: an API the test server does not implement?`);
    }
    checkParams(match.route, path, query);
    const ctx = new Context({ method, path, query, body }, this.cluster, this.faults, unsupported);
    return match.route.handle(ctx, match.params);
  }

  private authorized(request: IncomingMessage): boolean {
    const auth = this.options.auth;
    if (auth === undefined) return true;
    const header = request.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
    return decoded === `${auth.username}:${auth.password}`;
  }
}

/** The request body as text, inflated when the client compressed it (`compression: 'gzip'`). */
async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  let buffer = Buffer.concat(chunks);
  const encoding = (request.headers['content-encoding'] ?? '').toLowerCase();
  if (encoding.includes('gzip')) buffer = gunzipSync(buffer);
  else if (encoding.includes('deflate')) buffer = inflateSync(buffer);
  return buffer.toString('utf8');
}

function writeReply(response: ServerResponse, answer: Reply, head: boolean, pretty: boolean): void {
  const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body, null, pretty ? 2 : undefined);
  const contentType = typeof answer.body === 'string' ? 'text/plain; charset=UTF-8' : 'application/json; charset=UTF-8';
  response.writeHead(answer.status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...answer.headers });
  response.end(head ? undefined : text);
}
