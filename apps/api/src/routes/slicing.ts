import { type IvmServices } from '@ivm/application';
import { type FastifyInstance } from 'fastify';
import { entityTypeParam, fromVersionBody, idParam, tenantParam, versionBody } from './schemas';

interface SlicingBody {
  entityType: string;
  entityId: string;
  version: number;
  mode: 'FULL' | 'INCREMENTAL';
  fromVersion?: number;
  cutover?: boolean;
}

const body = {
  type: 'object',
  additionalProperties: false,
  required: ['entityType', 'entityId', 'version', 'mode'],
  properties: {
    entityType: entityTypeParam,
    entityId: idParam,
    version: versionBody,
    mode: { type: 'string', enum: ['FULL', 'INCREMENTAL'] },
    fromVersion: {
      ...fromVersionBody,
      description: 'INCREMENTAL only; default and only accepted base for a new version: the newest sliced version (0 if none)',
    },
    cutover: { type: 'boolean', description: 'Move the active version to `version` when done (default true)' },
  },
} as const;

export function slicingRoutes(app: FastifyInstance, services: IvmServices): void {
  app.post<{ Params: { tenant: string }; Body: SlicingBody }>(
    '/v1/tenants/:tenant/slicing',
    {
      schema: { params: { type: 'object', properties: { tenant: tenantParam } }, body },
      config: {
        summary: 'Slice an entity version (with fan-out to parents) and cut over',
        auth: 'tenant',
        responses: {
          200: '{written, unchanged, tombstoned, index: {added, removed}, fanout}',
          404: 'NOT_FOUND or UNKNOWN_ENTITY_TYPE',
          422: 'UNMATCHED_CHANGE_PATH',
        },
      },
    },
    async (request) => services.slice({ tenantId: request.params.tenant, ...request.body }),
  );
}
