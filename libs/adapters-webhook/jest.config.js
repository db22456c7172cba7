module.exports = { ...require('../../jest.preset.js'), displayName: 'adapters-webhook', rootDir: __dirname, testTimeout: 30_000 };
