export { createAjv } from './ajv';
export {
  schemaErrorDetails,
  schemaErrorMessage,
  schemaErrorPointer,
  type SchemaError,
  type SchemaErrorDetailsOptions,
  type SchemaMessageStyle,
} from './error-details';
