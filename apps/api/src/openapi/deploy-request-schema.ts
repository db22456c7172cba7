import { MAX_DEPLOY_RECORDS } from '@ivm/domain';
import { componentRef, type JsonSchema } from './json-schema';

/** An entity type of the catalog and its schema's component name. */
export interface EntityComponent {
  readonly entityType: string;
  readonly schema: string;
}

const recordBase = {
  entityId: { type: 'string', minLength: 1, description: "The entity's id (a document's id field must equal it)" },
  version: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
} as const;

/**
 * The deploy request body as API.md states it, with one record shape per entity type and kind
 * (a document typed by the entity's schema, or a deletion), told apart by `entityType` (`const`)
 * and by `data` vs `deleted`. The document spells out what the route lets the domain check
 * (parseDeployRequest), so the route's validation and its error codes stay as they are.
 */
export function deployRequestSchema(entities: readonly EntityComponent[], sinkIds: readonly string[]): JsonSchema {
  const records = entities.flatMap(({ entityType, schema }) => {
    const base = { entityType: { type: 'string', const: entityType }, ...recordBase };
    return [
      {
        type: 'object',
        additionalProperties: false,
        required: ['entityType', 'entityId', 'version', 'data'],
        properties: { ...base, data: componentRef(schema) },
      },
      {
        type: 'object',
        additionalProperties: false,
        required: ['entityType', 'entityId', 'version', 'deleted'],
        properties: { ...base, deleted: { type: 'boolean', const: true } },
      },
    ];
  });
  const sink = sinkIds.length > 0 ? { type: 'string', enum: [...sinkIds] } : { type: 'string', minLength: 1 };
  return {
    type: 'object',
    additionalProperties: false,
    required: ['records'],
    properties: {
      records: {
        type: 'array',
        minItems: 1,
        maxItems: MAX_DEPLOY_RECORDS,
        items: records.length > 0 ? { oneOf: records } : { not: {} },
        description: 'Versions of one entity go up in request order',
      },
      compile: { type: 'string', enum: ['sync', 'async'], default: 'sync' },
      ship: {
        oneOf: [
          { type: 'null' },
          {
            type: 'object',
            additionalProperties: false,
            required: ['mode', 'sinks'],
            properties: { mode: { type: 'string', enum: ['sync', 'async'] }, sinks: { type: 'array', minItems: 1, uniqueItems: true, items: sink } },
          },
        ],
        description: 'null (the default): nothing shipped. Sync ship needs sync compile (else 400 ILLEGAL_DEPLOY_COMBINATION)',
      },
      cutover: { type: 'string', enum: ['ready', 'done'], default: 'ready' },
    },
  };
}
