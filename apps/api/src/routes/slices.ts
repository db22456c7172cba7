import { type IvmServices } from '@ivm/application';
import { type FastifyInstance } from 'fastify';
import { booleanOut, entityTypeParam, idParam, integerOut, jsonObjectOrNull, responseObject, stringOut, tenantParam, toVersion, versionParam } from './schemas';

/** EffectiveSlicesReport (libs/application). */
const answer = responseObject({
  version: integerOut,
  slices: {
    type: 'object',
    description: 'Slice type → its effective slice',
    additionalProperties: responseObject({
      version: { ...integerOut, description: 'The version the slice was written at (at or below the requested one)' },
      hash: stringOut,
      data: jsonObjectOrNull,
      tombstone: booleanOut,
    }),
  },
});

export function sliceRoutes(app: FastifyInstance, services: IvmServices): void {
  app.get<{ Params: { tenant: string; entityType: string; entityId: string }; Querystring: { version?: string } }>(
    '/v1/tenants/:tenant/slices/:entityType/:entityId',
    {
      schema: {
        params: { type: 'object', properties: { tenant: tenantParam, entityType: entityTypeParam, entityId: idParam } },
        querystring: { type: 'object', additionalProperties: false, properties: { version: versionParam } },
        response: { 200: answer },
      },
      config: {
        summary: 'Effective slices of an entity at a version (default: its newest raw version)',
        operationId: 'getSlices',
        auth: 'tenant',
        responses: { 200: '{version, slices: {TYPE: {version, hash, data, tombstone}}}', 404: 'NOT_FOUND or UNKNOWN_ENTITY_TYPE' },
      },
    },
    async (request) => {
      const { tenant, entityType, entityId } = request.params;
      const { version } = request.query;
      return services.effectiveSlices({ tenantId: tenant, entityType, entityId, ...(version === undefined ? {} : { version: toVersion(version) }) });
    },
  );
}
