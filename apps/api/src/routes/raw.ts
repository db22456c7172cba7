import { type IvmServices } from '@ivm/application';
import { type FastifyInstance } from 'fastify';
import {
  booleanOut,
  documentBody,
  entityTypeParam,
  idParam,
  integerOut,
  jsonObjectOrNull,
  responseObject,
  stringOut,
  tenantParam,
  toVersion,
  VERSION_PATTERN,
  versionParam,
} from './schemas';

interface RawParams {
  tenant: string;
  entityType: string;
  entityId: string;
  version: string;
}

const writeParams = {
  type: 'object',
  required: ['tenant', 'entityType', 'entityId', 'version'],
  properties: { tenant: tenantParam, entityType: entityTypeParam, entityId: idParam, version: versionParam },
} as const;
const readParams = {
  ...writeParams,
  properties: {
    ...writeParams.properties,
    version: { type: 'string', pattern: `${VERSION_PATTERN}|^latest$`, description: 'Version, an integer ≥ 1, or latest' },
  },
} as const;
const PATH = '/v1/tenants/:tenant/raw/:entityType/:entityId/versions/:version';

/** RawView and WriteRawResult (libs/application). */
const rawView = {
  entityKey: stringOut,
  version: integerOut,
  hash: stringOut,
  deleted: booleanOut,
  data: { ...jsonObjectOrNull, description: 'The document; null for a deletion' },
} as const;
const readAnswer = responseObject(rawView);
const writeAnswer = responseObject({ ...rawView, created: { ...booleanOut, description: 'False for an identical replay' } });

/** insertRawdata, its tombstone twin, and reads: 201 when stored, 200 for an identical replay. */
export function rawRoutes(app: FastifyInstance, services: IvmServices): void {
  app.put<{ Params: RawParams; Body: unknown }>(
    PATH,
    {
      schema: { params: writeParams, body: documentBody, response: { 200: writeAnswer, 201: writeAnswer } },
      config: {
        summary: 'Insert a raw version (insertRawdata)',
        operationId: 'putRaw',
        auth: 'tenant',
        responses: {
          201: 'Stored',
          200: 'Identical replay',
          409: 'VERSION_CONFLICT or VERSION_REGRESSION',
          422: 'SCHEMA_VIOLATION or ENTITY_ID_MISMATCH',
          404: 'UNKNOWN_ENTITY_TYPE',
        },
      },
    },
    async (request, reply) => {
      const { tenant, entityType, entityId, version } = request.params;
      const result = await services.insertRaw({ tenantId: tenant, entityType, entityId, version: toVersion(version), data: request.body });
      return reply.code(result.created ? 201 : 200).send(result);
    },
  );

  app.delete<{ Params: RawParams }>(
    PATH,
    {
      schema: { params: writeParams, response: { 200: writeAnswer, 201: writeAnswer } },
      config: {
        summary: 'Record the deletion of an entity as a tombstone version',
        operationId: 'deleteRaw',
        auth: 'tenant',
        responses: {
          201: 'Tombstone stored',
          200: 'Identical replay',
          404: 'Nothing to delete, or UNKNOWN_ENTITY_TYPE',
          409: 'VERSION_CONFLICT or VERSION_REGRESSION',
        },
      },
    },
    async (request, reply) => {
      const { tenant, entityType, entityId, version } = request.params;
      const result = await services.deleteRaw({ tenantId: tenant, entityType, entityId, version: toVersion(version) });
      return reply.code(result.created ? 201 : 200).send(result);
    },
  );

  app.get<{ Params: RawParams }>(
    PATH,
    {
      schema: { params: readParams, response: { 200: readAnswer } },
      config: {
        summary: 'Read a raw version, or the latest',
        operationId: 'getRaw',
        auth: 'tenant',
        responses: { 200: '{entityKey, version, hash, deleted, data}', 404: 'NOT_FOUND or UNKNOWN_ENTITY_TYPE' },
      },
    },
    async (request) => {
      const { tenant, entityType, entityId, version } = request.params;
      return services.readRaw(tenant, entityType, entityId, version === 'latest' ? 'latest' : toVersion(version));
    },
  );
}
