module.exports = { ...require('../../jest.preset.js'), displayName: 'codegen', rootDir: __dirname, testTimeout: 60_000 };
