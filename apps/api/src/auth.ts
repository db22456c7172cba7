import { createHash } from 'node:crypto';
import { type FastifyRequest } from 'fastify';
import { HttpError } from './errors';

/** Which routes need a key: `tenant` ones also need the key's tenant to be the path's `{tenant}`. */
export type AuthRule = 'none' | 'any-tenant' | 'tenant';

/**
 * Bearer API keys, each belonging to one tenant. Keys are held as SHA-256 digests, so a lookup
 * never compares secrets character by character (no timing oracle on the key itself).
 */
export class ApiKeyAuth {
  private readonly tenantByDigest = new Map<string, string>();

  constructor(keys: ReadonlyMap<string, string>) {
    for (const [key, tenant] of keys) this.tenantByDigest.set(digest(key), tenant);
  }

  /** @throws HttpError 401 UNAUTHENTICATED, 403 FORBIDDEN */
  check(request: FastifyRequest, rule: AuthRule): void {
    if (rule === 'none') return;
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    const key = match?.[1];
    if (key === undefined) throw new HttpError(401, 'UNAUTHENTICATED', 'Send an API key as "Authorization: Bearer <key>"');
    const tenant = this.tenantByDigest.get(digest(key));
    if (tenant === undefined) throw new HttpError(401, 'UNAUTHENTICATED', 'The API key is not known');
    if (rule === 'tenant') {
      const pathTenant = (request.params as Record<string, unknown> | undefined)?.['tenant'];
      if (pathTenant !== tenant) throw new HttpError(403, 'FORBIDDEN', `This API key belongs to another tenant than ${JSON.stringify(pathTenant)}`);
    }
  }
}

function digest(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
