import { sampleRegistry, sampleSourcesWith, registryFromSources } from '../../testing';
import { requiredViewFields, schemaAt, sinkDocumentSchema } from './sink-document-schema';

describe('sinkDocumentSchema', () => {
  const registry = sampleRegistry();

  it("types every field of the product-detail view from the schema it was projected from, joined fields from the joined entity's", () => {
    const schema = sinkDocumentSchema(registry, registry.sink('opensearch-products'));
    expect(schema).toEqual({
      type: 'object',
      properties: {
        sku: { type: 'string', minLength: 1, maxLength: 128 },
        name: { type: 'string', minLength: 1, maxLength: 512 },
        status: { enum: ['ACTIVE', 'INACTIVE', 'DISCONTINUED'] },
        brand_id: { type: 'string', minLength: 1, maxLength: 128 },
        brand_name: { type: 'string', minLength: 1, maxLength: 512 },
        category_ids: expect.objectContaining({ type: 'array', items: { type: 'string', minLength: 1, maxLength: 128 } }),
        attributes: expect.objectContaining({ type: 'object', additionalProperties: { type: 'string', maxLength: 1024 } }),
        price: expect.objectContaining({ type: 'integer', minimum: 0 }),
        currency: expect.objectContaining({ type: 'string', pattern: '^[A-Z]{3}$' }),
      },
    });
  });

  it("takes a joined field's type from the joined entity's schema", () => {
    const custom = registryFromSources(
      sampleSourcesWith('schemas/brand.yaml', (text) =>
        text.replace('name: { type: string, minLength: 1, maxLength: 512 }', 'name: { type: string, maxLength: 77 }'),
      ),
    );
    const schema = sinkDocumentSchema(custom, custom.sink('opensearch-products'));
    expect((schema['properties'] as Record<string, unknown>)['brand_name']).toEqual({ type: 'string', maxLength: 77 });
  });

  it('gives a slices source an object per slice type', () => {
    const sources = sampleSourcesWith('sinks/personalize.yaml', (text) =>
      text.replace('source: { view: product-detail }', 'source: { entityType: product, slices: [PRODUCT_PRICE] }'),
    );
    const custom = registryFromSources(sources);
    expect(sinkDocumentSchema(custom, custom.sink('personalize'))).toEqual({
      type: 'object',
      properties: {
        PRODUCT_PRICE: {
          type: 'object',
          properties: {
            price: expect.objectContaining({ type: 'integer' }),
            currency: expect.objectContaining({ type: 'string' }),
          },
        },
      },
    });
  });
});

describe('requiredViewFields', () => {
  const registry = sampleRegistry();

  it('guarantees the root fields its schema requires under FAIL_CLOSED; never a joined or optional field', () => {
    // attributes is optional in the product schema; brand_name comes from a join whose target may not exist.
    expect(requiredViewFields(registry, registry.view('product-detail'))).toEqual(['brand_id', 'category_ids', 'currency', 'name', 'price', 'sku', 'status']);
  });

  it('guarantees nothing under PARTIAL (a missing slice leaves its fields out)', () => {
    const custom = registryFromSources(
      sampleSourcesWith('views/product-detail.yaml', (text) => text.replace('missingSlicePolicy: FAIL_CLOSED', 'missingSlicePolicy: PARTIAL')),
    );
    expect(requiredViewFields(custom, custom.view('product-detail'))).toEqual([]);
  });

  it('follows the raw path: a field the schema makes optional is not guaranteed', () => {
    const custom = registryFromSources(
      sampleSourcesWith('schemas/product.yaml', (text) =>
        text.replace(
          'required: [sku, name, brand_id, category_ids, price, currency, status]',
          'required: [sku, name, brand_id, category_ids, currency, status]',
        ),
      ),
    );
    expect(requiredViewFields(custom, custom.view('product-detail'))).not.toContain('price');
  });
});

describe('schemaAt', () => {
  const root = {
    type: 'object',
    $defs: { money: { type: 'integer' } },
    properties: {
      price: { $ref: '#/$defs/money' },
      tags: { type: 'array', items: { type: 'string' } },
      attributes: { type: 'object', additionalProperties: { type: 'string' } },
      loop: { $ref: '#/properties/loop' },
      remote: { $ref: 'https://example.com/schema.json' },
    },
  };

  it('follows properties, array items, map values and local references', () => {
    expect(schemaAt(root, ['price'])).toEqual({ type: 'integer' });
    expect(schemaAt(root, ['tags', '0'])).toEqual({ type: 'string' });
    expect(schemaAt(root, ['tags', '*'])).toEqual({ type: 'string' });
    expect(schemaAt(root, ['attributes', 'colour'])).toEqual({ type: 'string' });
  });

  it('answers "any value" where the schema does not say, also for cyclic and remote references', () => {
    expect(schemaAt(root, ['nothing'])).toEqual({});
    expect(schemaAt(root, ['loop'])).toEqual({});
    expect(schemaAt(root, ['remote'])).toEqual({});
  });
});
