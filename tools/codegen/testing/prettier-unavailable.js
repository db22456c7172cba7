// Under jest, prettier 3 cannot load (it starts an import() that jest's CommonJS VM refuses, failing
// whichever test runs first). In-process tests call generateCatalog, which never formats
// (json-schema-to-typescript runs with format: false); the CLI, which does, is tested as a process.
const unavailable = () => {
  throw new Error('prettier is not loaded under jest: test formatting through the codegen CLI');
};
module.exports = { format: unavailable, resolveConfig: unavailable };
