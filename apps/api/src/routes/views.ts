import { type IvmServices } from '@ivm/application';
import { type FastifyInstance } from 'fastify';
import { idParam, integerOut, jsonObject, responseObject, stringList, stringOut, tenantParam, toVersion, versionParam } from './schemas';

/** ViewReport (libs/application). */
const answer = responseObject({
  view: stringOut,
  entityKey: stringOut,
  version: integerOut,
  data: jsonObject,
  missingSlices: { ...stringList, description: 'Declared slices that were missing (only ever non-empty for a PARTIAL view)' },
});

export function viewRoutes(app: FastifyInstance, services: IvmServices): void {
  app.get<{ Params: { tenant: string; viewId: string; entityId: string }; Querystring: { version?: string } }>(
    '/v1/tenants/:tenant/views/:viewId/:entityId',
    {
      schema: {
        params: { type: 'object', properties: { tenant: tenantParam, viewId: { type: 'string', minLength: 1, maxLength: 128 }, entityId: idParam } },
        querystring: { type: 'object', additionalProperties: false, properties: { version: versionParam } },
        response: { 200: answer },
      },
      config: {
        summary: 'Query a view of an entity (its active version by default)',
        operationId: 'getView',
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
