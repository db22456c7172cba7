// Effect ships ES modules only, and jest runs CommonJS here: its files go through SWC like ours.
// One line reads `import.meta?.env` (Vite's env), which has no CommonJS form: it is read as absent.
const { createTransformer } = require('@swc/jest');

const swc = createTransformer({ jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } });

module.exports = {
  process(source, path, options) {
    return swc.process(source.replace(/\bimport\.meta\b/g, '({})'), path, options);
  },
  getCacheKey(source, path, options) {
    return swc.getCacheKey(source.replace(/\bimport\.meta\b/g, '({})'), path, options) + ':import-meta-v1';
  },
};
