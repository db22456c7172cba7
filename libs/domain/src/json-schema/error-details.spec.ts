import { createAjv } from './ajv';
import { schemaErrorDetails, schemaErrorMessage, schemaErrorPointer, type SchemaError } from './error-details';

const schema = {
  type: 'object',
  required: ['id', 'status'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    status: { enum: ['ACTIVE', 'INACTIVE'] },
    price: { oneOf: [{ type: 'integer' }, { type: 'string', pattern: '^[0-9]+$' }] },
    tags: { type: 'array', items: { type: 'string' } },
  },
};

function errorsOf(value: unknown): SchemaError[] {
  const validate = createAjv().compile(schema);
  expect(validate(value)).toBe(false);
  return validate.errors ?? [];
}

describe('Ajv errors as {path, message}', () => {
  const errors = errorsOf({ status: 'GONE', colour: 'red', price: 'x', tags: ['a', 7] });

  it('points at the missing or refused property, not the object holding it', () => {
    expect(schemaErrorDetails(errors).map((d) => d.path)).toEqual(['/id', '/colour', '/status', '/price', '/price', '/price', '/tags/1']);
  });

  it('reads in three styles: Ajv, contract and document', () => {
    const byStyle = (messages: 'ajv' | 'contract' | 'document') =>
      schemaErrorDetails(errors, { messages }).filter((d) => d.path === '/colour' || d.path === '/status');
    expect(byStyle('ajv')).toEqual([
      { path: '/colour', message: 'must NOT have additional properties' },
      { path: '/status', message: 'must be equal to one of the allowed values' },
    ]);
    expect(byStyle('contract')).toEqual([
      { path: '/colour', message: 'is not an allowed property' },
      { path: '/status', message: 'must be equal to one of the allowed values: ["ACTIVE","INACTIVE"]' },
    ]);
    expect(byStyle('document')).toEqual([
      { path: '/colour', message: 'is not an allowed property' },
      { path: '/status', message: 'must be one of ["ACTIVE","INACTIVE"]' },
    ]);
  });

  it('skips the oneOf summary only when asked', () => {
    const price = (skipSummaries: boolean) => schemaErrorDetails(errors, { skipSummaries }).filter((d) => d.path === '/price');
    expect(price(false).map((d) => d.message)).toEqual(['must be integer', 'must match pattern "^[0-9]+$"', 'must match exactly one schema in oneOf']);
    expect(price(true).map((d) => d.message)).toEqual(['must be integer', 'must match pattern "^[0-9]+$"']);
  });

  it('prefixes every path; the root is the prefix, or / without one', () => {
    const root = errorsOf(42);
    expect(schemaErrorDetails(root)).toEqual([{ path: '/', message: 'must be object' }]);
    expect(schemaErrorDetails(root, { prefix: '/body' })).toEqual([{ path: '/body', message: 'must be object' }]);
    expect(schemaErrorDetails(errors, { prefix: '/1' }).map((d) => d.path)).toContain('/1/tags/1');
    expect(schemaErrorPointer({ keyword: 'required', instancePath: '/a', params: { missingProperty: 'b' } }, '/params')).toBe('/params/a/b');
  });

  it('reports each path and message once, and nothing for no errors', () => {
    const twice: SchemaError = { keyword: 'type', instancePath: '/x', params: {}, message: 'must be string' };
    expect(schemaErrorDetails([twice, twice])).toEqual([{ path: '/x', message: 'must be string' }]);
    expect(schemaErrorDetails(null)).toEqual([]);
    expect(schemaErrorMessage({ keyword: 'custom', instancePath: '', params: {} })).toBe('is invalid');
  });
});
