import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from '@readme/openapi-parser';
import { loadContractRegistry } from '@ivm/adapters-fs';
import Ajv2020 from 'ajv/dist/2020';
import { openApiDocument, printOpenApiDocument } from '../openapi-document';
import { contractsVariant } from '../testing/contracts-variant';
import { CONTRACTS_DIR } from '../testing/http-harness';
import { ComponentNames, pascalCase } from './component-names';
import { entityComponentSchema } from './entity-schema';
import { type JsonSchema } from './json-schema';

const origin = { label: 'EntitySchema thing', file: 'schemas/thing.yaml', pointer: '/schema' };

describe('component names', () => {
  it('are the PascalCase of the contract id', () => {
    expect(['product', 'product-detail', 'gift_card', 'v2.offer', 'skuV2'].map(pascalCase)).toEqual([
      'Product',
      'ProductDetail',
      'GiftCard',
      'V2Offer',
      'SkuV2',
    ]);
    expect(() => pascalCase('--')).toThrow('OpenAPI: the contract id "--" has no letter or digit to name its schema by');
  });

  it('are given out once: a second contract mapping to a taken name fails, naming both', () => {
    const names = new ComponentNames(['Error']);
    expect(names.claim('GiftCard', 'EntitySchema gift-card')).toBe('GiftCard');
    expect(() => names.claim('GiftCard', 'EntitySchema gift_card')).toThrow(
      'OpenAPI: EntitySchema gift_card and EntitySchema gift-card both map to the schema name "GiftCard"; rename one of them',
    );
    expect(() => names.claim('Error', 'EntitySchema error')).toThrow('and the API itself both map to the schema name "Error"');
  });
});

describe('an entity schema as a component', () => {
  it('drops $schema and $id and points its own references into the component', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'https://example.com/schemas/thing.json',
      type: 'object',
      definitions: { code: { type: 'string', $schema: 'http://json-schema.org/draft-07/schema#' }, 'a/b': { type: 'integer' } },
      properties: {
        code: { $ref: '#/definitions/code' },
        alias: { $ref: 'thing.json#/definitions/code' },
        absolute: { $ref: 'https://example.com/schemas/thing.json#/definitions/a~1b' },
        parent: { $ref: '#' },
        // Data, not schemas: left as written.
        sample: { const: { $ref: '#/not/a/ref' }, default: { $id: 'kept' } },
      },
    };
    expect(entityComponentSchema(schema, 'Thing', origin)).toEqual({
      type: 'object',
      definitions: { code: { type: 'string' }, 'a/b': { type: 'integer' } },
      properties: {
        code: { $ref: '#/components/schemas/Thing/definitions/code' },
        alias: { $ref: '#/components/schemas/Thing/definitions/code' },
        absolute: { $ref: '#/components/schemas/Thing/definitions/a~1b' },
        parent: { $ref: '#/components/schemas/Thing' },
        sample: { const: { $ref: '#/not/a/ref' }, default: { $id: 'kept' } },
      },
    });
  });

  it('resolves a relative reference against its own file when it has no $id', () => {
    expect(entityComponentSchema({ $defs: { a: { type: 'string' } }, properties: { a: { $ref: 'thing.yaml#/$defs/a' } } }, 'Thing', origin)).toEqual({
      $defs: { a: { type: 'string' } },
      properties: { a: { $ref: '#/components/schemas/Thing/$defs/a' } },
    });
  });

  it('spells draft-07 tuples and dependencies the 2020-12 way', () => {
    const schema = {
      properties: {
        pair: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }], additionalItems: false },
        list: { items: { type: 'string' }, additionalItems: false },
      },
      dependencies: { a: ['b'], c: { required: ['d'] } },
    };
    expect(entityComponentSchema(schema, 'Thing', origin)).toEqual({
      properties: { pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false }, list: { items: { type: 'string' } } },
      dependentRequired: { a: ['b'] },
      dependentSchemas: { c: { required: ['d'] } },
    });
  });

  it.each([
    [{ properties: { a: { $ref: 'other.json#/definitions/a' } } }, '/schema/properties/a/$ref', '$ref "other.json#/definitions/a" points to another document'],
    [{ properties: { a: { $ref: '#code' } } }, '/schema/properties/a/$ref', '$ref "#code" names an anchor'],
    [{ properties: { a: { $id: 'https://example.com/a.json', type: 'string' } } }, '/schema/properties/a/$id', '$id is not supported'],
    [
      { items: [{ type: 'string' }], properties: { a: { $ref: '#/items/0' } } },
      '/schema/properties/a/$ref',
      '$ref "#/items/0" points through a draft-07 tuple',
    ],
  ])('refuses what the document cannot express, naming contract, file and pointer (%#)', (schema, pointer, message) => {
    expect(() => entityComponentSchema(schema as JsonSchema, 'Thing', origin)).toThrow(
      `OpenAPI: EntitySchema thing (schemas/thing.yaml#${pointer}): ${message}`,
    );
  });
});

describe('the document of a contract directory', () => {
  it('is the same, byte for byte, for the same contracts', async () => {
    const [first, second] = await Promise.all([loadContractRegistry(CONTRACTS_DIR), loadContractRegistry(CONTRACTS_DIR)]);
    expect(JSON.stringify(await openApiDocument(first))).toBe(JSON.stringify(await openApiDocument(second)));
  });

  it('is what npm run openapi prints, indented, and a directory that does not load fails naming it', async () => {
    let printed = '';
    await printOpenApiDocument(CONTRACTS_DIR, (text) => (printed += text));
    expect(printed).toBe(`${JSON.stringify(await openApiDocument(await loadContractRegistry(CONTRACTS_DIR)), null, 2)}\n`);
    await expect(printOpenApiDocument('/nowhere/contracts', () => undefined)).rejects.toThrow('The contracts in /nowhere/contracts cannot be loaded');
  });

  it('carries an entity schema written with $schema, $id, definitions and $refs as a valid component that validates like the contract', async () => {
    const variant = contractsVariant({
      'schemas/brand.yaml': [
        [
          'schema:\n  type: object',
          "schema:\n  $schema: 'http://json-schema.org/draft-07/schema#'\n  $id: 'https://example.com/brand.json'\n  definitions:\n    text: { type: string, minLength: 1, maxLength: 512 }\n  type: object",
        ],
        ['name: { type: string, minLength: 1, maxLength: 512 }', "name: { $ref: 'brand.json#/definitions/text' }"],
      ],
    });
    try {
      const registry = await loadContractRegistry(variant.dir);
      const document = await openApiDocument(registry);
      expect(await validate(structuredClone(document) as Parameters<typeof validate>[0])).toMatchObject({ valid: true, warnings: [] });
      const brand = (document['components'] as { schemas: Record<string, JsonSchema> }).schemas['Brand'];
      expect(brand).not.toHaveProperty('$id');
      expect(brand).not.toHaveProperty('$schema');
      expect(brand).toMatchObject({ properties: { name: { $ref: '#/components/schemas/Brand/definitions/text' } } });
      const ajv = new Ajv2020({ strict: false });
      ajv.addSchema({ ...document, $id: 'urn:ivm:doc' });
      const valid = ajv.getSchema('urn:ivm:doc#/components/schemas/Brand');
      const contract = registry.validator('brand');
      for (const doc of [
        { brand_id: 'B1', name: 'Acme' },
        { brand_id: 'B1', name: '' },
        { brand_id: 'B1', name: 7 },
      ])
        expect([doc, valid?.(doc)]).toEqual([doc, contract(doc)]);
    } finally {
      variant.remove();
    }
  });

  it('fails at boot, naming both contracts, when two entity types map to one schema name', async () => {
    const variant = contractsVariant({});
    try {
      const schema = (entityType: string) =>
        `kind: EntitySchema\nid: ${entityType}\nversion: 1.0.0\nentityType: ${entityType}\nidField: id\nschema:\n  type: object\n  required: [id]\n  properties:\n    id: { type: string }\n`;
      for (const entityType of ['gift-card', 'gift_card']) writeFileSync(join(variant.dir, 'schemas', `${entityType}.yaml`), schema(entityType));
      await expect(openApiDocument(await loadContractRegistry(variant.dir))).rejects.toThrow(
        'OpenAPI: EntitySchema gift_card and EntitySchema gift-card both map to the schema name "GiftCard"; rename one of them',
      );
    } finally {
      variant.remove();
    }
  });
});
