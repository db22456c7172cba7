import { createHash } from 'node:crypto';
import { type FastifyRequest } from 'fastify';
import { HttpError } from './errors';

/** Which routes need a key: `tenant` ones also need the key's tenant to be the path's `{tenant}`. */
export type AuthRule = 'none' | 'any-tenant' | 'tenant' | 'admin';

/**
 * Bearer API keys, each belonging to one tenant. Keys are held as SHA-256 digests, so a lookup
 * never compares secrets character by character (no timing oracle on the key itself).
 */
export class ApiKeyAuth {
  private readonly tenantByDigest = new Map<string, string>();
  private readonly adminDigests = new Set<string>();

  /** `adminKeys` may call the admin routes; they need not be tenant keys. */
  constructor(keys: ReadonlyMap<string, string>, adminKeys: ReadonlySet<string> = new Set()) {
    for (const [key, tenant] of keys) this.tenantByDigest.set(digest(key), tenant);
    for (const key of adminKeys) this.adminDigests.add(digest(key));
  }

  /** @throws HttpError 401 UNAUTHENTICATED, 403 FORBIDDEN */
  check(request: FastifyRequest, rule: AuthRule): void {
    if (rule === 'none') return;
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    const key = match?.[1];
    if (key === undefined) throw new HttpError(401, 'UNAUTHENTICATED', 'Send an API key as "Authorization: Bearer <key>"');
    if (rule === 'admin') {
      if (this.adminDigests.has(digest(key))) return;
      if (this.tenantByDigest.has(digest(key))) throw new HttpError(403, 'FORBIDDEN', 'This route needs an admin key (IVM_ADMIN_KEYS)');
      throw new HttpError(401, 'UNAUTHENTICATED', 'The API key is not known');
    }
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
