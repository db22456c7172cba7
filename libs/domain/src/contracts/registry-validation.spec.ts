import {
  type ContractSource,
  registryFromSources,
  rewriteSource,
  sampleContractSources,
  sampleSourcesWith,
  validateSources,
} from '../../testing/sample-contracts';
import { ContractValidationError, type ErrorDetail } from '../errors';
import { ContractRegistry } from './registry';

const textOf = (path: string): string => sampleContractSources().find((s) => s.path === path)?.text ?? '';

/** `validate` lists exactly these problems, and `fromDocuments` refuses the set with the same details. */
function expectProblems(sources: readonly ContractSource[], expected: readonly ErrorDetail[]): void {
  const problems = validateSources(sources);
  expect(problems).toEqual(expected);
  let thrown: unknown;
  try {
    registryFromSources(sources);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ContractValidationError);
  expect((thrown as ContractValidationError).code).toBe('CONTRACT_INVALID');
  expect((thrown as ContractValidationError).details).toEqual(problems);
  for (const problem of problems) expect((thrown as Error).message).toContain(problem.path);
}

const msg = (text: string): string => expect.stringContaining(text) as string;

const SINK = 'sinks/opensearch-products.yaml';
const PRODUCT_RULES = 'rulesets/product.yaml';
const VIEW = 'views/product-detail.yaml';

describe('ContractRegistry refuses broken contract sets, naming file and JSON pointer', () => {
  it('an unknown kind', () => {
    expectProblems(
      sampleSourcesWith(SINK, (t) => t.replace('kind: Sink', 'kind: Sinc')),
      [{ path: `${SINK}#/kind`, message: 'must be one of EntitySchema, RuleSet, View, Sink (got "Sinc")' }],
    );
  });

  it('a missing required field', () => {
    expectProblems(
      sampleSourcesWith(SINK, (t) => t.replace('target: { index: products }\n', '')),
      [{ path: `${SINK}#/target`, message: "must have required property 'target'" }],
    );
  });

  it('a version that is not SemVer', () => {
    expectProblems(
      sampleSourcesWith(SINK, (t) => t.replace('version: 1.0.0', 'version: v1.0.0')),
      [{ path: `${SINK}#/version`, message: msg('must match pattern') }],
    );
  });

  it('an extra property', () => {
    expectProblems(
      sampleSourcesWith(SINK, (t) => `${t}colour: blue\n`),
      [{ path: `${SINK}#/colour`, message: 'is not an allowed property' }],
    );
  });

  it('the same id declared in two files', () => {
    expectProblems(
      [...sampleContractSources(), { path: 'sinks/copy.yaml', text: textOf(SINK) }],
      [
        // Files are read in path order, so the later file is the duplicate.
        { path: `${SINK}#/id`, message: 'Sink "opensearch-products" is also declared in sinks/copy.yaml' },
      ],
    );
  });

  it('two EntitySchemas for one entity type', () => {
    const twin = textOf('schemas/brand.yaml').replace('id: brand\n', 'id: brand2\n');
    expectProblems(
      [...sampleContractSources(), { path: 'schemas/brand2.yaml', text: twin }],
      [{ path: 'schemas/brand2.yaml#/entityType', message: 'another EntitySchema already declares entity type "brand" (schemas/brand.yaml)' }],
    );
  });

  it('a RuleSet that references an unknown schema version', () => {
    expectProblems(
      sampleSourcesWith('rulesets/brand.yaml', (t) => t.replace('schema: { id: brand, version: 1.0.0 }', 'schema: { id: brand, version: 2.0.0 }')),
      [{ path: 'rulesets/brand.yaml#/schema', message: 'no EntitySchema brand@2.0.0 is loaded' }],
    );
  });

  it('an impactMap that names an unknown slice type', () => {
    expectProblems(
      sampleSourcesWith(PRODUCT_RULES, (t) =>
        t.replace('{ path: /price, slices: [PRODUCT_PRICE] }', '{ path: /price, slices: [PRODUCT_PRICE, PRODUCT_STOCK] }'),
      ),
      [{ path: `${PRODUCT_RULES}#/impactMap/6/slices`, message: 'unknown slice type "PRODUCT_STOCK"' }],
    );
  });

  it('an unsound impactMap: PRODUCT_CORE reads /name but no selector maps /name to it', () => {
    expectProblems(
      sampleSourcesWith(PRODUCT_RULES, (t) => t.replace('  - { path: /name, slices: [PRODUCT_CORE] }\n', '')),
      [{ path: `${PRODUCT_RULES}#/impactMap`, message: 'PRODUCT_CORE reads /name, but no selector maps a change at /name to PRODUCT_CORE' }],
    );
  });

  it('an unsound impactMap: PRODUCT_PRICE reads /price but no selector maps /price to it', () => {
    expectProblems(
      sampleSourcesWith(PRODUCT_RULES, (t) => t.replace('  - { path: /price, slices: [PRODUCT_PRICE] }\n', '')),
      [{ path: `${PRODUCT_RULES}#/impactMap`, message: 'PRODUCT_PRICE reads /price, but no selector maps a change at /price to PRODUCT_PRICE' }],
    );
  });

  it('an unsound join impact: the enriched slice reads brand /name but the join impact does not map it', () => {
    expectProblems(
      sampleSourcesWith(PRODUCT_RULES, (t) => t.replace('      - { path: /name, slices: [PRODUCT_BRAND_ENRICHED] }\n', '')),
      [
        {
          path: `${PRODUCT_RULES}#/joins/0/impact`,
          message: 'PRODUCT_BRAND_ENRICHED reads /name, but no selector maps a change at /name to PRODUCT_BRAND_ENRICHED',
        },
      ],
    );
  });

  it('a join whose index is not declared', () => {
    expectProblems(
      sampleSourcesWith(PRODUCT_RULES, (t) => t.replace('    index: brand\n', '    index: maker\n')),
      [{ path: `${PRODUCT_RULES}#/joins/0/index`, message: 'index "maker" is not declared; fan-out from brand needs it to find parents by key' }],
    );
  });

  it('an index whose selector is not a field of its fromSlice', () => {
    expectProblems(
      sampleSourcesWith(PRODUCT_RULES, (t) => t.replace('"category_ids[*]"', '"tags[*]"')),
      [{ path: `${PRODUCT_RULES}#/indexes/1/selector/path`, message: 'tags[*] is not a field of PRODUCT_CORE' }],
    );
  });

  it('an index key format without {value}, or with an unknown placeholder', () => {
    const brandFormat = 'indexKey: { format: "IDX#{indexType}#{value}#{entityType}" }\n  - type: category';
    expectProblems(
      sampleSourcesWith(PRODUCT_RULES, (t) => t.replace(brandFormat, 'indexKey: { format: "IDX#{indexType}#{entityType}" }\n  - type: category')),
      [{ path: `${PRODUCT_RULES}#/indexes/0/indexKey/format`, message: 'must contain {value}' }],
    );
    expectProblems(
      sampleSourcesWith(PRODUCT_RULES, (t) =>
        t.replace(brandFormat, 'indexKey: { format: "IDX#{indexType}#{value}#{entityType}#{tenant}" }\n  - type: category'),
      ),
      [{ path: `${PRODUCT_RULES}#/indexes/0/indexKey/format`, message: 'unknown placeholder {tenant}' }],
    );
  });

  it('a projection path that is not in the schema (a typo)', () => {
    expectProblems(
      sampleSourcesWith('rulesets/category.yaml', (t) => t.replace('parent_id: /parent_id', 'parent_id: /parent_idd')),
      [{ path: 'rulesets/category.yaml#/slices/0/fields/parent_id', message: '/parent_idd is not a path of the category schema' }],
    );
  });

  it('a keyResolver with a wildcard', () => {
    const problems = validateSources(sampleSourcesWith(PRODUCT_RULES, (t) => t.replace('keyResolver: /brand_id', 'keyResolver: /category_ids/*')));
    expectProblems(
      sampleSourcesWith(PRODUCT_RULES, (t) => t.replace('keyResolver: /brand_id', 'keyResolver: /category_ids/*')),
      [
        { path: `${PRODUCT_RULES}#/joins/0/keyResolver`, message: 'path "/category_ids/*" may not contain a wildcard here' },
        // The RuleSet did not compile, so the view that reads it has no RuleSet.
        { path: `${VIEW}#/root`, message: 'no RuleSet declares entity type "product"' },
      ],
    );
    expect(problems).toHaveLength(2);
  });

  it("a view field whose slice is not among the view's slices", () => {
    expectProblems(
      sampleSourcesWith(VIEW, (t) =>
        t.replace('slices: [PRODUCT_CORE, PRODUCT_PRICE, PRODUCT_BRAND_ENRICHED]', 'slices: [PRODUCT_CORE, PRODUCT_BRAND_ENRICHED]'),
      ),
      [
        { path: `${VIEW}#/fields/currency/slice`, message: '"PRODUCT_PRICE" is not one of the view\'s slices' },
        { path: `${VIEW}#/fields/price/slice`, message: '"PRODUCT_PRICE" is not one of the view\'s slices' },
      ],
    );
  });

  it('a view field path that is not a field of its slice', () => {
    expectProblems(
      sampleSourcesWith(VIEW, (t) => t.replace('path: /brand_name', 'path: /brand_title')),
      [{ path: `${VIEW}#/fields/brand_name/path`, message: '/brand_title is not a field of PRODUCT_BRAND_ENRICHED' }],
    );
  });

  it('a view whose root has no RuleSet', () => {
    expectProblems(
      sampleSourcesWith(VIEW, (t) => t.replace('root: product', 'root: warehouse')),
      [{ path: `${VIEW}#/root`, message: 'no RuleSet declares entity type "warehouse"' }],
    );
  });

  it('a sink that points at an unknown view', () => {
    expectProblems(
      sampleSourcesWith(SINK, (t) => t.replace('source: { view: product-detail }', 'source: { view: product-list }')),
      [{ path: `${SINK}#/source/view`, message: 'no View "product-list" is loaded' }],
    );
  });

  it('a sink docId with an unknown placeholder', () => {
    expectProblems(
      sampleSourcesWith(SINK, (t) => t.replace('docId: "{tenantId}:{entityId}"', 'docId: "{tenant}:{entityId}"')),
      [{ path: `${SINK}#/docId`, message: 'unknown placeholder {tenant}' }],
    );
  });

  describe('a sink target that does not fit its type', () => {
    const WEBHOOK = 'sinks/personalize.yaml';
    const withTarget = (target: string) => sampleSourcesWith(WEBHOOK, (t) => t.replace('{ url: { env: PERSONALIZE_WEBHOOK_URL } }', target));

    it('a webhook without a url, or with an index', () => {
      expectProblems(withTarget('{ index: products }'), [
        { path: `${WEBHOOK}#/target/index`, message: 'is not an allowed property' },
        { path: `${WEBHOOK}#/target/url`, message: "must have required property 'url'" },
      ]);
    });

    it('an opensearch sink without an index, or with a url', () => {
      expectProblems(
        sampleSourcesWith(SINK, (t) => t.replace('target: { index: products }', 'target: { url: "http://search:9200" }')),
        [
          { path: `${SINK}#/target/index`, message: "must have required property 'index'" },
          { path: `${SINK}#/target/url`, message: 'is not an allowed property' },
        ],
      );
    });

    it('a webhook url that is neither an http(s) URL nor { env: NAME }', () => {
      expectProblems(withTarget('{ url: "ftp://files.example/hook" }'), [{ path: `${WEBHOOK}#/target/url`, message: msg('must match pattern') }]);
      expectProblems(withTarget('{ url: "http://[::1" }'), [{ path: `${WEBHOOK}#/target/url`, message: '"http://[::1" is not a valid URL' }]);
      expectProblems(withTarget('{ url: 8080 }'), [{ path: `${WEBHOOK}#/target/url`, message: 'must be string,object' }]);
      expectProblems(withTarget('{ url: { env: personalize_url } }'), [{ path: `${WEBHOOK}#/target/url/env`, message: msg('must match pattern') }]);
      expectProblems(withTarget('{ url: { name: PERSONALIZE_WEBHOOK_URL } }'), [
        { path: `${WEBHOOK}#/target/url/env`, message: "must have required property 'env'" },
        { path: `${WEBHOOK}#/target/url/name`, message: 'is not an allowed property' },
      ]);
    });

    it('accepts a literal http(s) URL', () => {
      expect(validateSources(withTarget('{ url: "https://personalize.example:8443/v1/hook?src=ivm" }'))).toEqual([]);
      expect(registryFromSources(withTarget('{ url: "http://127.0.0.1:9000/" }')).sink('personalize').target).toEqual({ url: 'http://127.0.0.1:9000/' });
    });

    it('a sink type no plugin family exists for', () => {
      expectProblems(
        sampleSourcesWith(WEBHOOK, (t) => t.replace('type: webhook', 'type: kafka')),
        [{ path: `${WEBHOOK}#/type`, message: 'must be equal to one of the allowed values: ["opensearch","webhook"]' }],
      );
    });
  });

  it('an idField that is not a required string', () => {
    expectProblems(
      sampleSourcesWith('schemas/category.yaml', (t) => t.replace('idField: category_id', 'idField: parent_id')),
      [{ path: 'schemas/category.yaml#/idField', message: '"parent_id" must be a required string property of the schema' }],
    );
    expectProblems(
      sampleSourcesWith('schemas/product.yaml', (t) => t.replace('idField: sku', 'idField: price')),
      [{ path: 'schemas/product.yaml#/idField', message: '"price" must be a required string property of the schema' }],
    );
  });
});

describe('ContractRegistry reports every problem of a set, deterministically', () => {
  const broken = (): ContractSource[] => {
    let sources = sampleSourcesWith(SINK, (t) => `${t.replace('docId: "{tenantId}:{entityId}"', 'docId: "{tenant}"')}colour: blue\n`);
    sources = rewriteSource(sources, VIEW, (t) => t.replace('root: product', 'root: warehouse'));
    sources = rewriteSource(sources, PRODUCT_RULES, (t) => t.replace('  - { path: /price, slices: [PRODUCT_PRICE] }\n', ''));
    sources = rewriteSource(sources, 'schemas/category.yaml', (t) => t.replace('idField: category_id', 'idField: parent_id'));
    sources = rewriteSource(sources, 'rulesets/brand.yaml', (t) => t.replace('version: 1.0.0\ndescription', 'version: 1.0\ndescription'));
    return sources;
  };

  const expected: ErrorDetail[] = [
    { path: 'rulesets/brand.yaml#/version', message: 'must be string' },
    { path: `${PRODUCT_RULES}#/impactMap`, message: 'PRODUCT_PRICE reads /price, but no selector maps a change at /price to PRODUCT_PRICE' },
    { path: 'schemas/category.yaml#/idField', message: '"parent_id" must be a required string property of the schema' },
    // A structural problem stops the file at the structure check, so its docId is not looked at.
    { path: `${SINK}#/colour`, message: 'is not an allowed property' },
    { path: `${VIEW}#/root`, message: 'no RuleSet declares entity type "warehouse"' },
  ];

  it('lists every problem of five broken files, sorted by path', () => {
    expectProblems(broken(), expected);
    expect(validateSources(broken())).toHaveLength(5);
  });

  it('gives the same problems whatever order the files come in', () => {
    expect(validateSources([...broken()].reverse())).toEqual(validateSources(broken()));
    const rotated = broken();
    rotated.push(...rotated.splice(0, 3));
    expect(validateSources(rotated)).toEqual(expected);
  });

  it('validate never throws for garbage input', () => {
    const garbage = [
      { path: 'a.yaml', documents: [], parseErrors: ['is not valid YAML (line 1, column 1): garbage'] },
      { path: 'b.json', documents: [null] },
      { path: 'c.yaml', documents: [{ kind: 42 }] },
      { path: 'd.yaml', documents: [[], 'text', { kind: 'View', id: {}, version: 1 }, { kind: 'Sink', docId: null }] },
    ];
    expect(() => ContractRegistry.validate(garbage)).not.toThrow();
    expect(ContractRegistry.validate(garbage.slice(1, 3))).toEqual([
      { path: 'b.json#/', message: 'a contract is a mapping with kind, id and version' },
      { path: 'c.yaml#/kind', message: 'must be one of EntitySchema, RuleSet, View, Sink (got 42)' },
    ]);
  });
});
