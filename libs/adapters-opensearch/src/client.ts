import { Client } from '@opensearch-project/opensearch';

/** What a request of the subset takes besides its parameters. */
export interface RequestOptions {
  readonly requestTimeout?: number;
  readonly maxRetries?: number;
}

/** An answer of the client: the parsed body. */
export interface ClientResponse<B = unknown> {
  readonly body: B;
}

type Body = Record<string, unknown>;

/**
 * The part of `@opensearch-project/opensearch`'s Client the sink uses, so tests and other
 * transports can stand in for it and a reader sees every call the adapter makes.
 */
export interface OpenSearchClientLike {
  /** `POST /_bulk`: action and source lines, NDJSON-serialised by the client. */
  bulk(params: { body: Body[] }, options?: RequestOptions): Promise<ClientResponse>;
  readonly indices: {
    /** `PUT /{index}` with settings, mappings and aliases. */
    create(params: { index: string; body: Body }, options?: RequestOptions): Promise<ClientResponse>;
    /** `PUT /{index}/_mapping`: adds fields; changing a field's type is refused. */
    putMapping(params: { index: string; body: Body }, options?: RequestOptions): Promise<ClientResponse>;
    /** `POST /_aliases`: alias actions, applied atomically (an `add` of an existing alias updates its filter). */
    updateAliases(params: { body: Body }, options?: RequestOptions): Promise<ClientResponse>;
  };
  close(): Promise<void>;
}

/** How to reach a cluster. */
export interface OpenSearchConnection {
  /** The cluster's URL; basic-auth credentials may ride in its user info (`http://user:pass@host:9200`). */
  readonly url: string;
  /** Longest wait for one request's answer. */
  readonly requestTimeoutMs: number;
}

/**
 * The official client for one cluster, with its own retries off: the sink decides what to retry
 * item by item (the client would resend whole bulks on 502–504 and connection errors, and its
 * bulk helper reports failed items only through `onDrop`).
 */
export function openOpenSearchClient(connection: OpenSearchConnection): OpenSearchClientLike {
  return new Client({ node: connection.url, maxRetries: 0, requestTimeout: connection.requestTimeoutMs });
}
