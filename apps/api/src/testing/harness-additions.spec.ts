import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeConcerning } from './client-hooks';
import { contractsVariant } from './contracts-variant';
import { brandDoc, rawPath, startTestApi } from './http-harness';
import { useTestApi } from './use-test-api';

describe('writeConcerning', () => {
  const matches = writeConcerning('acme#product#X', 3);
  const at = (version: string) => ({ PK: { S: 'acme#product#X' }, SK: { N: version } });

  it('matches writes of that item at that version: a record put, a head update binding the version, a batch put', () => {
    expect(matches({ operation: 'PutItem', input: { Item: at('3') } })).toBe(true);
    expect(matches({ operation: 'UpdateItem', input: { Key: { PK: { S: 'acme#product#X' } }, ExpressionAttributeValues: { ':v': { N: '3' } } } })).toBe(true);
    expect(
      matches({ operation: 'BatchWriteItem', input: { RequestItems: { t: [{ PutRequest: { Item: at('1') } }, { PutRequest: { Item: at('3') } }] } } }),
    ).toBe(true);
  });

  it('passes reads, other versions and other items', () => {
    expect(matches({ operation: 'GetItem', input: { Key: at('3') } })).toBe(false);
    expect(matches({ operation: 'PutItem', input: { Item: at('5') } })).toBe(false);
    expect(matches({ operation: 'PutItem', input: { Item: { PK: { S: 'acme#product#Y' }, SK: { N: '3' } } } })).toBe(false);
    expect(matches({ operation: 'UpdateItem', input: { Key: { PK: { S: 'acme#product#X' } }, ExpressionAttributeValues: { ':v': { N: '5' } } } })).toBe(false);
  });
});

describe('contractsVariant', () => {
  it('copies the catalog with the edits applied, and removes it', () => {
    const variant = contractsVariant({ 'schemas/brand.yaml': [['version: 1.0.0', 'version: 1.0.1']] });
    expect(readFileSync(join(variant.dir, 'schemas/brand.yaml'), 'utf8')).toContain('\nversion: 1.0.1\n');
    expect(existsSync(join(variant.dir, 'rulesets/product.yaml'))).toBe(true);
    variant.remove();
    expect(existsSync(variant.dir)).toBe(false);
  });

  it('refuses an edit whose text does not occur exactly once', () => {
    expect(() => contractsVariant({ 'rulesets/product.yaml': [['version: 1.0.0', 'version: 1.1.0']] })).toThrow(
      'contractsVariant: "version: 1.0.0" occurs 2 times in rulesets/product.yaml, not once',
    );
    expect(() => contractsVariant({ 'schemas/brand.yaml': [['nope', 'x']] })).toThrow('occurs 0 times');
  });
});

describe('shareStoreWith', () => {
  const owner = useTestApi();

  it('runs a second API over the same tables; closing it leaves the owner’s store running', async () => {
    const second = await startTestApi({ shareStoreWith: owner });
    try {
      expect(second.tablePrefix).toBe(owner.tablePrefix);
      expect((await second.request('PUT', rawPath('brand', 'SH', 1), { body: brandDoc('SH', 'Acme') })).status).toBe(201);
    } finally {
      await second.close();
    }
    expect((await owner.request('GET', rawPath('brand', 'SH', 'latest'))).body).toMatchObject({ version: 1, data: brandDoc('SH', 'Acme') });
  });
});
