import { parseSource, sampleContractSources, sampleRegistry } from '../../testing/sample-contracts';
import { ContractValidationError, UnknownContractError, UnknownEntityTypeError } from '../errors';
import { type ParsedContractFile } from './model';
import { ContractRegistry } from './registry';

/** The sample catalog as parsed files (parsing itself is @ivm/adapters-fs's, and tested there). */
const sampleFiles = (): ParsedContractFile[] => sampleContractSources().map(parseSource);

/** The one document of a sample file, as a fresh mutable copy. */
const documentOf = (path: string): Record<string, unknown> => {
  const file = sampleFiles().find((f) => f.path === path);
  if (!file) throw new Error(`no sample ${path}`);
  return structuredClone(file.documents[0]) as Record<string, unknown>;
};

describe('ContractRegistry with the sample catalog', () => {
  const registry = sampleRegistry();

  it('validates the sample without problems', () => {
    expect(ContractRegistry.validate(sampleFiles())).toEqual([]);
  });

  it('lists exactly the 9 sample contracts, sorted by kind then id', () => {
    expect(registry.list()).toEqual([
      { kind: 'EntitySchema', id: 'brand', version: '1.0.0' },
      { kind: 'EntitySchema', id: 'category', version: '1.0.0' },
      { kind: 'EntitySchema', id: 'product', version: '1.0.0' },
      { kind: 'RuleSet', id: 'brand', version: '1.0.0' },
      { kind: 'RuleSet', id: 'category', version: '1.0.0' },
      { kind: 'RuleSet', id: 'product', version: '1.0.0' },
      { kind: 'Sink', id: 'opensearch-products', version: '1.0.0' },
      { kind: 'Sink', id: 'personalize', version: '1.0.0' },
      { kind: 'View', id: 'product-detail', version: '1.0.0' },
    ]);
  });

  it('lists the same contracts whatever order the sources come in', () => {
    const reversed = ContractRegistry.fromDocuments([...sampleFiles()].reverse());
    expect(reversed.list()).toEqual(registry.list());
  });

  it('knows the entity types', () => {
    expect(registry.entityTypes()).toEqual(['brand', 'category', 'product']);
    expect(registry.hasEntityType('product')).toBe(true);
    expect(registry.hasEntityType('warehouse')).toBe(false);
    expect(registry.hasRuleSet('category')).toBe(true);
    expect(registry.hasRuleSet('warehouse')).toBe(false);
  });

  it('looks up the product schema with its id field and array rules', () => {
    const schema = registry.schema('product');
    expect(schema).toMatchObject({
      kind: 'EntitySchema',
      id: 'product',
      version: '1.0.0',
      entityType: 'product',
      idField: 'sku',
      file: 'schemas/product.yaml',
    });
    expect([...schema.arrays]).toEqual([['/category_ids', { mode: 'whole' }]]);
    expect(registry.schema('brand').idField).toBe('brand_id');
    expect(registry.schema('category').idField).toBe('category_id');
  });

  it('compiles the product RuleSet: slices, impact map, join and indexes', () => {
    const ruleSet = registry.ruleSet('product');
    expect(ruleSet.schema).toEqual({ id: 'product', version: '1.0.0' });
    expect(ruleSet.unmatchedPolicy).toBe('FAIL_CLOSED');
    expect(ruleSet.slices.map((s) => s.type)).toEqual(['PRODUCT_CORE', 'PRODUCT_PRICE', 'PRODUCT_BRAND_ENRICHED']);
    // Fields are sorted by output name.
    expect(ruleSet.slices[0]?.fields.map((f) => f.name)).toEqual(['attributes', 'brand_id', 'category_ids', 'name', 'sku', 'status']);
    expect(ruleSet.slices[2]?.joins).toEqual(['brand']);
    expect(ruleSet.impactMap.map((r) => [r.selectorText, r.slices])).toEqual([
      ['/sku', ['PRODUCT_BRAND_ENRICHED', 'PRODUCT_CORE']],
      ['/name', ['PRODUCT_CORE']],
      ['/status', ['PRODUCT_CORE']],
      ['/brand_id', ['PRODUCT_BRAND_ENRICHED', 'PRODUCT_CORE']],
      ['/category_ids', ['PRODUCT_CORE']],
      ['/attributes', ['PRODUCT_CORE']],
      ['/price', ['PRODUCT_PRICE']],
      ['/currency', ['PRODUCT_PRICE']],
    ]);
    expect(ruleSet.indexes).toEqual([
      { type: 'brand', fromSlice: 'PRODUCT_CORE', selector: ['brand_id'], selectorText: '/brand_id', format: 'IDX#{indexType}#{value}#{entityType}' },
      {
        type: 'category',
        fromSlice: 'PRODUCT_CORE',
        selector: ['category_ids', '*'],
        selectorText: 'category_ids[*]',
        format: 'IDX#{indexType}#{value}#{entityType}',
      },
    ]);
    const join = ruleSet.joins[0];
    expect(join).toMatchObject({
      name: 'brand',
      entityType: 'brand',
      keyResolver: ['brand_id'],
      relation: 'MANY_TO_ONE',
      versionRule: 'LATEST',
      index: 'brand',
      maxFanoutPerBatch: 500,
    });
    expect(join?.projection).toEqual([{ name: 'brand_name', path: ['name'], pathText: '/name' }]);
  });

  it('looks up the view and the sink', () => {
    const view = registry.view('product-detail');
    expect(view).toMatchObject({ root: 'product', missingSlicePolicy: 'FAIL_CLOSED', slices: ['PRODUCT_CORE', 'PRODUCT_PRICE', 'PRODUCT_BRAND_ENRICHED'] });
    expect(view.fields.map((f) => `${f.name}<-${f.slice}${f.pathText}`)).toEqual([
      'attributes<-PRODUCT_CORE/attributes',
      'brand_id<-PRODUCT_CORE/brand_id',
      'brand_name<-PRODUCT_BRAND_ENRICHED/brand_name',
      'category_ids<-PRODUCT_CORE/category_ids',
      'currency<-PRODUCT_PRICE/currency',
      'name<-PRODUCT_CORE/name',
      'price<-PRODUCT_PRICE/price',
      'sku<-PRODUCT_CORE/sku',
      'status<-PRODUCT_CORE/status',
    ]);
    expect(registry.sink('opensearch-products')).toMatchObject({
      type: 'opensearch',
      source: { view: 'product-detail' },
      target: { index: 'products' },
      docId: '{tenantId}:{entityId}',
    });
    expect(registry.sink('personalize')).toMatchObject({
      type: 'webhook',
      source: { view: 'product-detail' },
      target: { url: { env: 'PERSONALIZE_WEBHOOK_URL' } },
      docId: '{tenantId}:{entityId}',
    });
  });

  it('finds the joins that read brand, and none that read product', () => {
    const refs = registry.joinsReading('brand');
    expect(refs).toHaveLength(1);
    expect(refs[0]?.ruleSet.id).toBe('product');
    expect(refs[0]?.join.name).toBe('brand');
    expect(registry.joinsReading('product')).toEqual([]);
    expect(registry.joinsReading('warehouse')).toEqual([]);
  });

  it('rejects unknown entity types with UNKNOWN_ENTITY_TYPE', () => {
    for (const lookup of [() => registry.schema('warehouse'), () => registry.ruleSet('warehouse'), () => registry.validator('warehouse')]) {
      expect(lookup).toThrow(UnknownEntityTypeError);
      try {
        lookup();
      } catch (error) {
        expect((error as UnknownEntityTypeError).code).toBe('UNKNOWN_ENTITY_TYPE');
        expect((error as UnknownEntityTypeError).entityType).toBe('warehouse');
      }
    }
  });

  it('rejects unknown views and sinks with UNKNOWN_CONTRACT', () => {
    expect(() => registry.view('product-list')).toThrow(new UnknownContractError('View', 'product-list'));
    expect(() => registry.sink('elastic')).toThrow(new UnknownContractError('Sink', 'elastic'));
    expect(() => registry.view('product-list')).toThrow(expect.objectContaining({ code: 'UNKNOWN_CONTRACT' }) as Error);
    // A view id is not a sink id and vice versa.
    expect(() => registry.sink('product-detail')).toThrow(UnknownContractError);
  });

  it('compiles a validator that checks the schema', () => {
    const validate = registry.validator('brand');
    expect(validate({ brand_id: 'B1', name: 'Acme' })).toBe(true);
    expect(validate({ brand_id: 'B1' })).toBe(false);
  });
});

describe('ContractRegistry of parsed files', () => {
  const schemaPaths = ['schemas/brand.yaml', 'schemas/category.yaml', 'schemas/product.yaml'];
  const others = (): ParsedContractFile[] => sampleFiles().filter((f) => !f.path.startsWith('schemas/'));
  const allSchemas = (edit?: (category: Record<string, unknown>) => void): ParsedContractFile => {
    const documents = schemaPaths.map(documentOf);
    edit?.(documents[1] as Record<string, unknown>);
    return { path: 'schemas/all.yaml', documents };
  };

  it('accepts several contracts in one file', () => {
    const registry = ContractRegistry.fromDocuments([...others(), allSchemas()]);
    expect(registry.list()).toEqual(sampleRegistry().list());
    expect(registry.schema('category').file).toBe('schemas/all.yaml');
  });

  it('locates problems of a file of several documents by document index', () => {
    const structural = allSchemas((category) => (category['colour'] = 'red'));
    expect(ContractRegistry.validate([...others(), structural])).toEqual([
      // The category schema did not compile, so its RuleSet's reference fails too.
      { path: 'rulesets/category.yaml#/schema', message: 'no EntitySchema category@1.0.0 is loaded' },
      { path: 'schemas/all.yaml#/1/colour', message: 'is not an allowed property' },
    ]);
    const crossReference = allSchemas((category) => (category['idField'] = 'parent_id'));
    expect(ContractRegistry.validate([...others(), crossReference])).toEqual([
      { path: 'schemas/all.yaml#/1/idField', message: '"parent_id" must be a required string property of the schema' },
    ]);
  });

  it('reports an empty set, an empty file and a document that is not a mapping', () => {
    expect(ContractRegistry.validate([])).toEqual([{ path: '(contracts)#/', message: 'no contract files were found' }]);
    expect(() => ContractRegistry.fromDocuments([])).toThrow(ContractValidationError);
    const files = [...sampleFiles(), { path: 'x/empty.yaml', documents: [] }, { path: 'x/list.yaml', documents: [['a', 'b']] }];
    expect(ContractRegistry.validate(files)).toEqual([
      { path: 'x/empty.yaml#/', message: 'is empty' },
      { path: 'x/list.yaml#/', message: 'a contract is a mapping with kind, id and version' },
    ]);
  });

  it("reports a file's parse errors at its root and compiles none of its documents", () => {
    const SINK = 'sinks/opensearch-products.yaml';
    const withSink = (sink: (file: ParsedContractFile) => ParsedContractFile): ParsedContractFile[] =>
      sampleFiles().map((f) => (f.path === SINK ? sink(f) : f));
    expect(ContractRegistry.validate(withSink((f) => ({ ...f, parseErrors: ['is not valid YAML (line 3, column 1): broken', 'second'] })))).toEqual([
      { path: `${SINK}#/`, message: 'is not valid YAML (line 3, column 1): broken' },
      { path: `${SINK}#/`, message: 'second' },
    ]);
    expect(ContractRegistry.validate(withSink((f) => ({ ...f, parseErrors: [] })))).toEqual([]);
  });
});
