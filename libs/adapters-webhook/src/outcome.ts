import { type SinkItemOutcome } from '@ivm/domain';

/** Longest excerpt of a rejecting receiver's body kept in the outcome's reason. */
const EXCERPT_CHARS = 200;
/** Bytes read of a response body at most: enough for the excerpt, bounded whatever the receiver sends. */
const READ_LIMIT_BYTES = 4096;

/**
 * What a receiver's answer means (API.md "Sinks"): 2xx applied; 409 stale (it holds this or a newer
 * revision); 429 and 5xx retry; any other status rejected (a 3xx too: redirects are not followed,
 * since a redirected POST may turn into a GET).
 */
export async function outcomeOfResponse(docId: string, response: Response): Promise<SinkItemOutcome> {
  const { status } = response;
  // Read (a bounded part of) every body, so the connection can be reused.
  const excerpt = await readExcerpt(response);
  if (status >= 200 && status < 300) return { docId, status: 'applied' };
  if (status === 409) return { docId, status: 'stale', reason: 'HTTP 409' };
  if (status === 429) {
    const retryAfter = response.headers.get('retry-after');
    return { docId, status: 'retry', reason: retryAfter === null ? 'HTTP 429' : `HTTP 429 (Retry-After: ${retryAfter.slice(0, 32)})` };
  }
  if (status >= 500) return { docId, status: 'retry', reason: `HTTP ${status}` };
  return { docId, status: 'rejected', reason: excerpt === '' ? `HTTP ${status}` : `HTTP ${status}: ${excerpt}` };
}

/** A request that got no answer: a timeout, a refused or dropped connection. All are transient. */
export function outcomeOfFailure(docId: string, error: unknown, timeoutMs: number): SinkItemOutcome {
  return { docId, status: 'retry', reason: failureReason(error, timeoutMs) };
}

function failureReason(error: unknown, timeoutMs: number): string {
  // By name, not instanceof: DOMException and undici's errors come from other realms under jest.
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  const code = errorCode(error);
  if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED)';
  const cause = (error as { cause?: { message?: unknown } } | null)?.cause;
  const detail = typeof cause?.message === 'string' && cause.message !== '' ? cause.message : messageOf(error);
  return `network error${code === undefined ? '' : ` ${code}`}: ${detail}`.slice(0, EXCERPT_CHARS);
}

/** The first `code` along an error's causes (fetch wraps the socket's error, and an AggregateError its attempts). */
function errorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 4) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  const fromCause = errorCode(cause, depth + 1);
  if (fromCause !== undefined) return fromCause;
  return Array.isArray(errors) ? errors.map((e) => errorCode(e, depth + 1)).find((c) => c !== undefined) : undefined;
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

/** The start of a body as one short line; '' when there is none or it cannot be read (the status decides anyway). */
async function readExcerpt(response: Response): Promise<string> {
  const body = response.body;
  if (body === null) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < READ_LIMIT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    return '';
  } finally {
    // Drops whatever is left unread; a no-op when the body was read to its end.
    reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim();
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}
