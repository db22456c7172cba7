import { illegalArgument, OpenSearchError } from './errors';
import { type FaultState } from './faults';
import { type Json } from './json';
import { type Cluster } from './registry';

/** What a handler answers: a JSON body (or none, for HEAD), a status, extra headers. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export const reply = (status: number, body?: unknown): Reply => ({ status, body });

/** One request as the handlers see it. */
export interface RequestInfo {
  readonly method: string;
  readonly path: string;
  readonly query: ReadonlyMap<string, string>;
  readonly body: string;
}

/** Everything a handler may use: the request, the cluster (and its clock), the faults, and where refusals are recorded. */
export class Context {
  constructor(
    readonly request: RequestInfo,
    readonly cluster: Cluster,
    readonly faults: FaultState,
    /** Records a refusal of something the test server does not implement (see `inspect.unsupported`). */
    readonly recordUnsupported: (reason: string) => void,
  ) {}

  now(): number {
    return this.cluster.now();
  }

  param(name: string): string | undefined {
    return this.request.query.get(name);
  }

  /** A boolean URL parameter as RestRequest#paramAsBoolean reads it ("" means true). */
  flag(name: string, fallback = false): boolean {
    const value = this.param(name);
    if (value === undefined) return fallback;
    if (value === '' || value === 'true') return true;
    if (value === 'false') return false;
    throw illegalArgument(`Failed to parse value [${value}] as only [true] or [false] are allowed.`);
  }

  /** An integer URL parameter. */
  integer(name: string): number | undefined {
    const value = this.param(name);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value)) throw illegalArgument(`Failed to parse int parameter [${name}] with value [${value}]`);
    return Number(value);
  }

  /** WriteRequest.RefreshPolicy#parse: "" and "true" refresh now, "wait_for" waits for one, "false" does nothing. */
  refreshPolicy(): 'none' | 'immediate' | 'wait_for' {
    const value = this.param('refresh');
    if (value === undefined || value === 'false') return 'none';
    if (value === '' || value === 'true') return 'immediate';
    if (value === 'wait_for') return 'wait_for';
    throw illegalArgument(`Unknown value for refresh: [${value}].`);
  }

  /** The body as JSON; undefined when there is none. @throws json_parse_exception for malformed JSON */
  json(): Json | undefined {
    if (this.request.body.trim() === '') return undefined;
    try {
      return JSON.parse(this.request.body) as Json;
    } catch (error) {
      throw new OpenSearchError(400, 'json_parse_exception', error instanceof Error ? error.message : String(error));
    }
  }

  /** The body as JSON, which this API requires (RestRequest#requiredContent). */
  requiredJson(): Json {
    const body = this.json();
    if (body === undefined) throw new OpenSearchError(400, 'parse_exception', 'request body is required');
    return body;
  }
}
