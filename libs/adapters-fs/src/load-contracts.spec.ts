import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ContractValidationError } from '@ivm/domain';
import { loadContractRegistry, readContractSources } from './load-contracts';

const SAMPLE = resolve(__dirname, '../../../contracts');

describe('loading contracts from a directory', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ivm-contracts-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('loads the sample catalog', async () => {
    const registry = await loadContractRegistry(SAMPLE);
    expect(registry.list().map((c) => `${c.kind}:${c.id}@${c.version}`)).toEqual([
      'EntitySchema:brand@1.0.0',
      'EntitySchema:category@1.0.0',
      'EntitySchema:product@1.0.0',
      'RuleSet:brand@1.0.0',
      'RuleSet:category@1.0.0',
      'RuleSet:product@1.0.0',
      'Sink:opensearch-products@1.0.0',
      'Sink:personalize@1.0.0',
      'View:product-detail@1.0.0',
    ]);
  });

  it('reads YAML and JSON recursively in path order, skipping hidden and other files', async () => {
    await mkdir(join(dir, 'b', 'c'), { recursive: true });
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, 'b', 'c', 'z.json'), '{}');
    await writeFile(join(dir, 'a.yml'), 'x: 1');
    await writeFile(join(dir, 'b', 'y.yaml'), 'y: 1');
    await writeFile(join(dir, 'README.md'), '# no');
    await writeFile(join(dir, '.hidden.yaml'), 'no: 1');
    await writeFile(join(dir, '.git', 'config.yaml'), 'no: 1');
    expect((await readContractSources(dir)).map((s) => s.path)).toEqual(['a.yml', 'b/c/z.json', 'b/y.yaml']);
  });

  it('refuses a broken directory, naming every file and path', async () => {
    await writeFile(join(dir, 'broken.yaml'), 'kind: RuleSet\nid: x\n');
    await writeFile(join(dir, 'bad.json'), '{ nope');
    const error = await loadContractRegistry(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractValidationError);
    const paths = (error as ContractValidationError).details.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['bad.json#/', 'broken.yaml#/version', 'broken.yaml#/entityType']));
  });

  it('refuses an empty directory', async () => {
    await expect(loadContractRegistry(dir)).rejects.toThrow('no contract files were found');
  });

  it('fails with the OS error for a missing directory', async () => {
    await expect(loadContractRegistry(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
