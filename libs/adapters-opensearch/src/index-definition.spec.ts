import { InvariantViolationError, type OpenSearchSinkContract } from '@ivm/domain';
import { registryFromSources, sampleRegistry, sampleSourcesWith } from '@ivm/domain/testing';
import { documentMappings, indexNames } from './index-definition';

const sinkOf = (registry: ReturnType<typeof sampleRegistry>) => registry.sink('opensearch-products') as OpenSearchSinkContract;

describe('index definition from the contracts', () => {
  it('maps every product-detail field from its schema, strictly, with the metadata field', () => {
    const registry = sampleRegistry();
    expect(documentMappings(registry, sinkOf(registry))).toEqual({
      dynamic: 'strict',
      properties: {
        sku: { type: 'keyword' },
        name: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
        status: { type: 'keyword' },
        brand_id: { type: 'keyword' },
        brand_name: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
        category_ids: { type: 'keyword' },
        attributes: { type: 'flat_object' },
        price: { type: 'long' },
        currency: { type: 'keyword' },
        ivm: {
          properties: {
            tenantId: { type: 'keyword' },
            entityKey: { type: 'keyword' },
            version: { type: 'long' },
            revision: { type: 'long' },
            deleted: { type: 'boolean' },
          },
        },
      },
    });
  });

  it("writes to <index>-ivm and leaves the contract's index name to the readers' alias", () => {
    const registry = sampleRegistry();
    expect(indexNames(sinkOf(registry))).toEqual({ index: 'products-ivm', alias: 'products' });
  });

  it('refuses a field whose schema gives no single type, naming it', () => {
    const registry = registryFromSources(
      sampleSourcesWith('schemas/product.yaml', (text) =>
        text.replace('price: { type: integer, minimum: 0, description: Minor units of the currency. }', 'price: { type: [integer, string] }'),
      ),
    );
    expect(() => documentMappings(registry, sinkOf(registry))).toThrow(InvariantViolationError);
    expect(() => documentMappings(registry, sinkOf(registry))).toThrow('/price');
  });

  it('types nullable fields by their other type', () => {
    const registry = registryFromSources(
      sampleSourcesWith('schemas/product.yaml', (text) =>
        text.replace('price: { type: integer, minimum: 0, description: Minor units of the currency. }', 'price: { type: [integer, "null"] }'),
      ),
    );
    expect(documentMappings(registry, sinkOf(registry))['properties']).toMatchObject({ price: { type: 'long' } });
  });
});
