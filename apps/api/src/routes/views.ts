import { type IvmServices } from '@ivm/application';
import { type FastifyInstance } from 'fastify';
import { idParam, tenantParam, toVersion, versionParam } from './schemas';

export function viewRoutes(app: FastifyInstance, services: IvmServices): void {
  app.get<{ Params: { tenant: string; viewId: string; entityId: string }; Querystring: { version?: string } }>(
    '/v1/tenants/:tenant/views/:viewId/:entityId',
    {
      schema: {
        params: { type: 'object', properties: { tenant: tenantParam, viewId: { type: 'string', minLength: 1, maxLength: 128 }, entityId: idParam } },
        querystring: { type: 'object', additionalProperties: false, properties: { version: versionParam } },
      },
      config: {
        summary: 'Query a view of an entity (its active version by default)',
        auth: 'tenant',
        responses: { 200: '{view, entityKey, version, data, missingSlices}', 404: 'NOT_FOUND or UNKNOWN_CONTRACT', 409: 'SLICE_MISSING (fail-closed view)' },
      },
    },
    async (request) => {
      const { tenant, viewId, entityId } = request.params;
      const { version } = request.query;
      return services.queryView({ tenantId: tenant, viewId, entityId, ...(version === undefined ? {} : { version: toVersion(version) }) });
    },
  );
}
