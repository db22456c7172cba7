module.exports = { ...require('../../jest.preset.js'), displayName: 'adapters-opensearch', rootDir: __dirname, testTimeout: 30_000 };
