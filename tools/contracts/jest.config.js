module.exports = { ...require('../../jest.preset.js'), displayName: 'contracts-cli', rootDir: __dirname, testTimeout: 30_000 };
