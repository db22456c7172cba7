import { type IvmServices } from '@ivm/application';
import { type FastifyInstance } from 'fastify';
import { booleanOut, entityTypeParam, fromVersionBody, idParam, integerOut, responseObject, stringList, stringOut, tenantParam, versionBody } from './schemas';

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

/** SliceReport (libs/application). A field it gains must be added here too, or the serializer drops it. */
const answer = responseObject(
  {
    entityKey: stringOut,
    version: integerOut,
    mode: { type: 'string', enum: ['FULL', 'INCREMENTAL'] },
    fromVersion: { ...integerOut, description: 'INCREMENTAL only: the version the change set starts from' },
    written: { ...stringList, description: 'Slice types written' },
    unchanged: { ...stringList, description: 'Slice types rebuilt to the same content' },
    tombstoned: { ...stringList, description: 'Slice types that built empty' },
    index: responseObject({ added: { ...stringList, description: 'Index keys' }, removed: { ...stringList, description: 'Index keys' } }),
    fanout: { ...stringList, description: 'Parent entity keys rebuilt through the index' },
    superseded: { ...stringList, description: 'Slice types already built at this version from newer inputs or a newer RuleSet: left alone' },
    fanoutBatches: integerOut,
    cutover: { ...booleanOut, description: 'Whether `version` is the active version after the call (it never moves back)' },
    cutoverSkipped: responseObject({
      reason: {
        type: 'string',
        enum: ['NOT_REQUESTED', 'NEWER_VERSION_SLICED'],
        description: 'NEWER_VERSION_SLICED: a late or replayed slicing of an older version; nothing was written',
      },
      message: stringOut,
    }),
    slicedVersion: { ...integerOut, description: 'The newest sliced version of the entity after the call' },
    activeVersion: { type: ['integer', 'null'], description: 'The active version after the call (null: none yet)' },
  },
  ['fromVersion', 'cutoverSkipped'],
);

export function slicingRoutes(app: FastifyInstance, services: IvmServices): void {
  app.post<{ Params: { tenant: string }; Body: SlicingBody }>(
    '/v1/tenants/:tenant/slicing',
    {
      schema: { params: { type: 'object', properties: { tenant: tenantParam } }, body, response: { 200: answer } },
      config: {
        summary: 'Slice an entity version (with fan-out to parents) and cut over',
        operationId: 'sliceEntity',
        auth: 'tenant',
        responses: {
          200: '{written, unchanged, tombstoned, superseded, index: {added, removed}, fanout, cutover, cutoverSkipped?, slicedVersion, activeVersion}',
          404: 'NOT_FOUND or UNKNOWN_ENTITY_TYPE',
          409: 'INCREMENTAL_BASE_MISMATCH (fromVersion is not the newest sliced version)',
          422: 'UNMATCHED_CHANGE_PATH',
        },
      },
    },
    async (request) => services.slice({ tenantId: request.params.tenant, ...request.body }),
  );
}
