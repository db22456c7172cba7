/**
 * JSON Schemas of the contract files themselves. Ajv checks a file's structure against these
 * before any cross-reference check runs, so every structural problem is reported with its path.
 */
const semver =
  '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$';

const contractId = { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]*$' };
const entityType = { type: 'string', pattern: '^[a-z][a-z0-9_-]*$' };
const sliceType = { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' };
const fieldName = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' };
const path = { type: 'string', minLength: 1 };
const ref = {
  type: 'object',
  required: ['id', 'version'],
  additionalProperties: false,
  properties: { id: contractId, version: { type: 'string', pattern: semver } },
};
const header = {
  kind: { type: 'string' },
  id: contractId,
  version: { type: 'string', pattern: semver },
  description: { type: 'string' },
};
const impactRules = {
  type: 'array',
  items: {
    type: 'object',
    required: ['path', 'slices'],
    additionalProperties: false,
    properties: { path, slices: { type: 'array', items: sliceType, uniqueItems: true } },
  },
};
const fieldMap = {
  type: 'object',
  minProperties: 1,
  propertyNames: fieldName,
  additionalProperties: {
    oneOf: [
      path,
      {
        type: 'object',
        required: ['path'],
        additionalProperties: false,
        properties: { path, transform: { enum: ['lowercase', 'uppercase', 'trim'] } },
      },
    ],
  },
};

export const entitySchemaFileSchema = {
  type: 'object',
  required: ['kind', 'id', 'version', 'entityType', 'idField', 'schema'],
  additionalProperties: false,
  properties: {
    ...header,
    entityType,
    idField: fieldName,
    schema: { type: 'object' },
    arrays: {
      type: 'object',
      additionalProperties: {
        oneOf: [
          { type: 'object', required: ['mode'], additionalProperties: false, properties: { mode: { const: 'whole' } } },
          {
            type: 'object',
            required: ['mode', 'key'],
            additionalProperties: false,
            properties: { mode: { const: 'keyed' }, key: fieldName },
          },
        ],
      },
    },
  },
} as const;

export const ruleSetFileSchema = {
  type: 'object',
  required: ['kind', 'id', 'version', 'entityType', 'schema', 'slices', 'impactMap'],
  additionalProperties: false,
  properties: {
    ...header,
    entityType,
    schema: ref,
    unmatchedPolicy: { enum: ['FAIL_CLOSED', 'FULL_REBUILD'] },
    slices: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['type', 'fields'],
        additionalProperties: false,
        properties: { type: sliceType, fields: fieldMap, joins: { type: 'array', items: fieldName, uniqueItems: true } },
      },
    },
    impactMap: impactRules,
    joins: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'entityType', 'keyResolver', 'relation', 'projection', 'impact', 'index'],
        additionalProperties: false,
        properties: {
          name: fieldName,
          entityType,
          keyResolver: path,
          relation: { enum: ['MANY_TO_ONE', 'ONE_TO_ONE'] },
          versionRule: { enum: ['LATEST'] },
          projection: fieldMap,
          impact: impactRules,
          index: entityType,
          maxFanoutPerBatch: { type: 'integer', minimum: 1, maximum: 100000 },
        },
      },
    },
    indexes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'fromSlice', 'selector'],
        additionalProperties: false,
        properties: {
          type: entityType,
          fromSlice: sliceType,
          selector: { type: 'object', required: ['path'], additionalProperties: false, properties: { path } },
          indexKey: {
            type: 'object',
            required: ['format'],
            additionalProperties: false,
            properties: { format: { type: 'string', minLength: 1 } },
          },
        },
      },
    },
  },
} as const;

export const viewFileSchema = {
  type: 'object',
  required: ['kind', 'id', 'version', 'root', 'slices', 'fields'],
  additionalProperties: false,
  properties: {
    ...header,
    root: entityType,
    slices: { type: 'array', minItems: 1, items: sliceType, uniqueItems: true },
    missingSlicePolicy: { enum: ['FAIL_CLOSED', 'PARTIAL'] },
    fields: {
      type: 'object',
      minProperties: 1,
      propertyNames: fieldName,
      additionalProperties: {
        type: 'object',
        required: ['slice', 'path'],
        additionalProperties: false,
        properties: { slice: sliceType, path },
      },
    },
  },
} as const;

/** Each sink type's `target`; the sink schema picks one by `type`, so a problem names the field it is about. */
const sinkTargets = {
  opensearch: {
    type: 'object',
    required: ['index'],
    additionalProperties: false,
    properties: { index: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]*$' } },
  },
  webhook: {
    type: 'object',
    required: ['url'],
    additionalProperties: false,
    properties: {
      // A literal http(s) URL, or `{ env: NAME }`: `pattern` reads only strings, `required` only objects.
      url: {
        type: ['string', 'object'],
        pattern: '^https?://\\S+$',
        required: ['env'],
        additionalProperties: false,
        properties: { env: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' } },
      },
    },
  },
} as const;

export const SINK_TYPES = Object.keys(sinkTargets) as (keyof typeof sinkTargets)[];

export const sinkFileSchema = {
  type: 'object',
  required: ['kind', 'id', 'version', 'type', 'source', 'target', 'docId'],
  additionalProperties: false,
  properties: {
    ...header,
    type: { enum: SINK_TYPES },
    source: {
      oneOf: [
        { type: 'object', required: ['view'], additionalProperties: false, properties: { view: contractId } },
        {
          type: 'object',
          required: ['entityType', 'slices'],
          additionalProperties: false,
          properties: { entityType, slices: { type: 'array', minItems: 1, items: sliceType, uniqueItems: true } },
        },
      ],
    },
    target: { type: 'object' },
    docId: { type: 'string', minLength: 1 },
  },
  allOf: SINK_TYPES.map((type) => ({
    if: { type: 'object', required: ['type'], properties: { type: { const: type } } },
    then: { properties: { target: sinkTargets[type] } },
  })),
} as const;

export const SEMVER_PATTERN = new RegExp(semver);
