import type { IdempotencyClaim } from '@ivm/domain';
import type { Queryable } from '../client';
import { text } from '../codec';

/*
 * The key is inserted first in the create transaction: a concurrent create with the same key
 * waits on the unique index until this one commits or rolls back, then finds the key (and its
 * job) or inserts it itself. So one key makes one job, without check-then-act.
 */
const CLAIM_KEY = `
INSERT INTO idempotency_keys (tenant_id, idempotency_key, request_hash, job_id) VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING
RETURNING 1 AS claimed`;

const FIND_KEY = `SELECT job_id, request_hash FROM idempotency_keys WHERE tenant_id = $1 AND idempotency_key = $2`;

export interface KnownKey {
  readonly jobId: string;
  readonly requestHash: string;
}

/** Undefined when this call took the key; otherwise the job that took it first. */
export async function claimIdempotencyKey(q: Queryable, tenantId: string, claim: IdempotencyClaim, jobId: string): Promise<KnownKey | undefined> {
  const { rows } = await q.query({ name: 'ivm_claim_key', text: CLAIM_KEY, values: [tenantId, claim.key, claim.requestHash, jobId] });
  if (rows.length > 0) return undefined;
  const known = await findIdempotencyKey(q, tenantId, claim.key);
  if (!known) throw new Error(`Idempotency-Key "${claim.key}" conflicted but is not stored`);
  return known;
}

export async function findIdempotencyKey(q: Queryable, tenantId: string, key: string): Promise<KnownKey | undefined> {
  const { rows } = await q.query<{ job_id: unknown; request_hash: unknown }>({ name: 'ivm_find_key', text: FIND_KEY, values: [tenantId, key] });
  const [row] = rows;
  return row && { jobId: text(row.job_id, 'idempotency_keys', 'job_id'), requestHash: text(row.request_hash, 'idempotency_keys', 'request_hash') };
}
