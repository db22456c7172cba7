import { resolve } from 'node:path';
import { ContractRegistry, type ErrorDetail } from '@ivm/domain';
import { parse } from 'yaml';
import { readContractSources } from './load-contracts';
import { type ContractSource, parseContractSource } from './parse-contracts';

const SAMPLE = resolve(__dirname, '../../../contracts');
const SINK = 'sinks/opensearch-products.yaml';

let sample: readonly ContractSource[];
beforeAll(async () => {
  sample = await readContractSources(SAMPLE);
});

const textOf = (path: string): string => sample.find((s) => s.path === path)?.text ?? '';
const validate = (sources: readonly ContractSource[]): readonly ErrorDetail[] => ContractRegistry.validate(sources.map(parseContractSource));
const load = (sources: readonly ContractSource[]): ContractRegistry => ContractRegistry.fromDocuments(sources.map(parseContractSource));

describe('parsing contract files', () => {
  it('parses the sample catalog without problems', () => {
    expect(validate(sample)).toEqual([]);
    expect(sample.map(parseContractSource).every((file) => file.parseErrors === undefined && file.documents.length === 1)).toBe(true);
  });

  it('accepts a JSON contract file', () => {
    const sources = sample.map((s) =>
      s.path === 'rulesets/product.yaml' ? { path: 'rulesets/product.json', text: JSON.stringify(parse(s.text), null, 2) } : s,
    );
    expect(validate(sources)).toEqual([]);
    const registry = load(sources);
    expect(registry.list()).toEqual(load(sample).list());
    expect(registry.ruleSet('product').file).toBe('rulesets/product.json');
    expect(registry.ruleSet('product').impactMap).toEqual(load(sample).ruleSet('product').impactMap);
  });

  it('reports a JSON file that does not parse', () => {
    expect(parseContractSource({ path: 'sinks/extra.json', text: '{"kind": "Sink",' })).toEqual({
      path: 'sinks/extra.json',
      documents: [],
      parseErrors: [expect.stringMatching(/^is not valid JSON: /) as string],
    });
    expect(validate([...sample, { path: 'sinks/extra.json', text: '{"kind": "Sink",' }])).toEqual([
      { path: 'sinks/extra.json#/', message: expect.stringMatching(/^is not valid JSON: /) as string },
    ]);
  });

  it('reports invalid YAML with its line, duplicate keys included', () => {
    const duplicate = sample.map((s) => (s.path === SINK ? { path: s.path, text: `${s.text}kind: Sink\n` } : s));
    expect(validate(duplicate)).toEqual([
      { path: `${SINK}#/`, message: expect.stringContaining('is not valid YAML (line 9, column 1): Map keys must be unique') as string },
    ]);
    expect(parseContractSource({ path: 'a.yaml', text: 'a: [1, 2\nb: 3\n' }).parseErrors?.[0]).toMatch(/^is not valid YAML \(line \d+, column \d+\): /);
  });

  it('accepts several contracts in one multi-document YAML file, skipping empty documents', () => {
    const schemas = ['schemas/brand.yaml', 'schemas/category.yaml', 'schemas/product.yaml'].map(textOf).join('---\n');
    const file = parseContractSource({ path: 'schemas/all.yaml', text: `---\n${schemas}---\n` });
    expect(file.documents).toHaveLength(3);
    const registry = ContractRegistry.fromDocuments([...sample.filter((s) => !s.path.startsWith('schemas/')).map(parseContractSource), file]);
    expect(registry.list()).toEqual(load(sample).list());
    expect(registry.schema('category').file).toBe('schemas/all.yaml');
  });

  it('locates problems of a multi-document file by document index', () => {
    const schemas = ['schemas/brand.yaml', 'schemas/category.yaml', 'schemas/product.yaml'].map(textOf).join('---\n');
    const others = sample.filter((s) => !s.path.startsWith('schemas/'));
    const structural = schemas.replace('idField: category_id', 'idField: category_id\ncolour: red');
    expect(validate([...others, { path: 'schemas/all.yaml', text: structural }])).toEqual([
      { path: 'rulesets/category.yaml#/schema', message: 'no EntitySchema category@1.0.0 is loaded' },
      { path: 'schemas/all.yaml#/1/colour', message: 'is not an allowed property' },
    ]);
  });

  it('reports an empty file and a document that is not a mapping', () => {
    const sources = [
      ...sample,
      { path: 'x/empty.yaml', text: '# nothing here\n' },
      { path: 'x/dashes.yaml', text: '---\n---\n' },
      { path: 'x/list.yaml', text: '- a\n- b\n' },
      { path: 'x/null.json', text: 'null' },
    ];
    expect(validate(sources)).toEqual([
      { path: 'x/dashes.yaml#/', message: 'is empty' },
      { path: 'x/empty.yaml#/', message: 'is empty' },
      { path: 'x/list.yaml#/', message: 'a contract is a mapping with kind, id and version' },
      { path: 'x/null.json#/', message: 'a contract is a mapping with kind, id and version' },
    ]);
  });

  it('never throws for garbage', () => {
    const garbage = [
      { path: 'a.yaml', text: '{{{{' },
      { path: 'b.json', text: '' },
      { path: 'c.yaml', text: '*alias' },
      { path: 'd.yaml', text: 'a: b: c' },
    ];
    expect(() => garbage.map(parseContractSource)).not.toThrow();
    expect(new Set(validate(garbage).map((problem) => problem.path))).toEqual(new Set(['a.yaml#/', 'b.json#/', 'c.yaml#/', 'd.yaml#/']));
    expect(parseContractSource({ path: 'c.yaml', text: '*alias' }).parseErrors).toEqual([expect.stringMatching(/^is not valid YAML: Unresolved alias/)]);
  });
});
