import Ajv from 'ajv';

/** One configuration of Ajv for contract files and entity schemas alike: strict, every error. */
export function createAjv(): Ajv {
  return new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
}
