import { OpenSearchError } from './errors';

/** Which requests a fault applies to: a path (a string matches when the path contains it) and/or a method. */
export interface RequestMatch {
  readonly path?: RegExp | string;
  readonly method?: string;
}

/** One bulk item as `failItems` sees it. */
export interface BulkItemInfo {
  /** The index or alias as the item named it. */
  readonly index: string;
  /** The index it resolved to. */
  readonly concreteIndex: string;
  /** The document id (a generated one for an index/create without `_id`). */
  readonly id: string;
  readonly action: 'index' | 'create' | 'delete';
}

/** The error an injected item failure answers with. */
export interface InjectedItemError {
  readonly status: number;
  readonly type: string;
  readonly reason: string;
}

export type ItemFault = (item: BulkItemInfo) => InjectedItemError | undefined;

export type Outage = 'refuse' | 503;

/** What each injected status answers with: the exception OpenSearch raises for it. */
export function injectedError(status: number): OpenSearchError {
  if (status === 429) {
    // Indexing pressure or a full thread-pool queue: OpenSearchRejectedExecutionException, which OpenSearch names
    // "rejected_execution_exception" (getExceptionName strips the "OpenSearch" prefix; Elasticsearch says "es_rejected_…").
    return new OpenSearchError(429, 'rejected_execution_exception', 'rejected execution of coordinating operation [injected by the OpenSearch test server]');
  }
  if (status === 503) return new OpenSearchError(503, 'cluster_block_exception', 'blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];');
  if (status >= 500) return new OpenSearchError(status, 'internal_server_error', `injected ${status} by the OpenSearch test server`);
  return new OpenSearchError(status, 'illegal_argument_exception', `injected ${status} by the OpenSearch test server`);
}

interface QueuedFault {
  left: number;
  readonly status: number;
  readonly match: RequestMatch | undefined;
}

/** The faults in force. */
export class FaultState {
  private queue: QueuedFault[] = [];
  itemFault: ItemFault | undefined;
  outage: Outage | undefined;

  failNextRequests(count: number, status: number, match: RequestMatch | undefined): void {
    if (!Number.isInteger(count) || count < 1) throw new Error(`failNextRequests: count must be a positive integer, got ${count}`);
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error(`failNextRequests: status must be 4xx or 5xx, got ${status}`);
    this.queue.push({ left: count, status, match });
  }

  /** The status to answer instead of handling this request, if a queued fault matches (consuming one of its uses). */
  take(method: string, path: string): number | undefined {
    const fault = this.queue.find(({ match }) => matches(match, method, path));
    if (fault === undefined) return undefined;
    fault.left--;
    if (fault.left === 0) this.queue = this.queue.filter((f) => f !== fault);
    return fault.status;
  }

  restore(): void {
    this.queue = [];
    this.itemFault = undefined;
    this.outage = undefined;
  }
}

function matches(match: RequestMatch | undefined, method: string, path: string): boolean {
  if (match === undefined) return true;
  if (match.method !== undefined && match.method.toUpperCase() !== method) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? path.includes(match.path) : match.path.test(path);
}
