import { Client, errors } from '@opensearch-project/opensearch';
import { type OpenSearchTestServer, startOpenSearchTestServer } from './server';

/** A clock the test moves by hand, for gc_deletes and refresh_interval. */
export class ManualClock {
  constructor(private ms = Date.UTC(2025, 0, 1)) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** A test server on a manual clock and an official client pointed at it (no retries, so faults show as they are). */
export async function serverAndClient(): Promise<{ server: OpenSearchTestServer; client: Client; clock: ManualClock }> {
  const clock = new ManualClock();
  const server = await startOpenSearchTestServer({ clock });
  return { server, clock, client: new Client({ node: server.url, maxRetries: 0 }) };
}

/** The ResponseError a call rejects with (fails the test when it resolves). */
export async function responseError(call: Promise<unknown>): Promise<{ status: number | null | undefined; body: Record<string, unknown> }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof errors.ResponseError) return { status: error.meta.statusCode, body: error.meta.body as Record<string, unknown> };
    throw error;
  }
  throw new Error('expected the call to fail with a ResponseError');
}

/** The `{type, reason}` of an error body's root cause. */
export function rootCause(body: Record<string, unknown>): { type: unknown; reason: unknown } {
  const error = body['error'] as { root_cause?: { type: unknown; reason: unknown }[] } | undefined;
  const cause = error?.root_cause?.[0];
  return { type: cause?.type, reason: cause?.reason };
}
