import { type IvmServices } from '@ivm/application';
import { type FastifyInstance } from 'fastify';
import { anyJson, booleanOut, entityTypeParam, fromVersionBody, idParam, integerOut, responseObject, stringOut, tenantParam, versionBody } from './schemas';

interface ChangeSetBody {
  entityType: string;
  entityId: string;
  fromVersion: number;
  toVersion: number;
}

const body = {
  type: 'object',
  additionalProperties: false,
  required: ['entityType', 'entityId', 'fromVersion', 'toVersion'],
  properties: { entityType: entityTypeParam, entityId: idParam, fromVersion: fromVersionBody, toVersion: versionBody },
} as const;

/** ChangeSetView (libs/application). */
const answer = responseObject({
  entityKey: stringOut,
  fromVersion: integerOut,
  toVersion: integerOut,
  hash: stringOut,
  changes: {
    type: 'array',
    items: responseObject({ op: { type: 'string', enum: ['add', 'remove', 'replace'] }, path: stringOut, before: anyJson, after: anyJson }, [
      'before',
      'after',
    ]),
  },
  created: { ...booleanOut, description: 'False when the change set was already stored' },
});

export function changeSetRoutes(app: FastifyInstance, services: IvmServices): void {
  app.post<{ Params: { tenant: string }; Body: ChangeSetBody }>(
    '/v1/tenants/:tenant/changesets',
    {
      schema: { params: { type: 'object', properties: { tenant: tenantParam } }, body, response: { 200: answer, 201: answer } },
      config: {
        summary: 'Create (or fetch) the change set between two raw versions',
        operationId: 'createChangeSet',
        auth: 'tenant',
        responses: {
          201: 'Created {hash, changes}',
          200: 'Already stored {hash, changes}',
          400: 'INVALID_CHANGESET_RANGE',
          404: 'NOT_FOUND or UNKNOWN_ENTITY_TYPE',
        },
      },
    },
    async (request, reply) => {
      const result = await services.createChangeSet({ tenantId: request.params.tenant, ...request.body });
      return reply.code(result.created ? 201 : 200).send(result);
    },
  );
}
