/**
 * OpenSearch's error JSON. An exception renders as `{type, reason, <metadata>, caused_by?}`
 * (OpenSearchException#generateThrowableXContent); a failed request wraps it as
 * `{error: {root_cause: [...], ...}, status}` (BytesRestResponse), while a failed bulk item
 * carries the bare exception under `error` (BulkItemResponse).
 */
export interface ErrorJson {
  readonly type: string;
  readonly reason: string;
  readonly [metadata: string]: unknown;
}

export class OpenSearchError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly reason: string,
    readonly metadata: Readonly<Record<string, unknown>> = {},
    readonly causedBy?: ErrorJson,
    /** Default: this exception without its cause (a Java cause such as number_format_exception is not an OpenSearch root cause). */
    readonly rootCauses?: readonly ErrorJson[],
  ) {
    super(`${type}: ${reason}`);
  }

  json(): ErrorJson {
    return { type: this.type, reason: this.reason, ...this.metadata, ...(this.causedBy === undefined ? {} : { caused_by: this.causedBy }) };
  }

  body(): { error: ErrorJson; status: number } {
    const rootCauses = this.rootCauses ?? [{ type: this.type, reason: this.reason, ...this.metadata }];
    return { error: { root_cause: rootCauses, ...this.json() }, status: this.status };
  }
}

/**
 * A request the test server refused because it does not implement it (a real cluster would have
 * answered it). The server records every one in `inspect.unsupported`, so a suite can assert it
 * never relied on something the test server only pretends to know.
 */
export class UnsupportedError extends OpenSearchError {
  constructor(type: string, reason: string, status = 400) {
    super(status, type, `${reason} (not supported by the OpenSearch test server)`);
  }
}

export const illegalArgument = (reason: string, causedBy?: ErrorJson) => new OpenSearchError(400, 'illegal_argument_exception', reason, {}, causedBy);

export const parsingException = (reason: string) => new OpenSearchError(400, 'parsing_exception', reason);

/** The exception shape of IndexNotFoundException (metadata as ResourceNotFoundException sets it). */
export function indexNotFound(index: string, suffix = ''): OpenSearchError {
  return new OpenSearchError(404, 'index_not_found_exception', `no such index [${index}]${suffix}`, {
    'resource.type': 'index_or_alias',
    'resource.id': index,
    index_uuid: '_na_',
    index,
  });
}

/** Action-level validation (ActionRequestValidationException): every message numbered, each ending with ';'. */
export function validationFailed(messages: readonly string[]): OpenSearchError {
  return new OpenSearchError(400, 'action_request_validation_exception', `Validation Failed: ${messages.map((m, i) => `${i + 1}: ${m};`).join('')}`);
}

/** An exception raised inside one shard carries the shard it happened on (ShardId metadata). */
export function shardMetadata(index: string, uuid: string): Record<string, unknown> {
  return { index, shard: '0', index_uuid: uuid };
}

/**
 * How a search fails on its shards: search_phase_execution_exception whose root causes are the
 * shard failures (the client's message shows the inner type and reason).
 */
export function searchPhaseFailure(index: string, cause: OpenSearchError): OpenSearchError {
  const inner = cause.json();
  return new OpenSearchError(
    cause.status,
    'search_phase_execution_exception',
    'all shards failed',
    { phase: 'query', grouped: true, failed_shards: [{ shard: 0, index, node: 'test-node', reason: inner }] },
    inner,
    [inner],
  );
}
