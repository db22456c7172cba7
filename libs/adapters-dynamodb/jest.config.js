module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'adapters-dynamodb',
  rootDir: __dirname,
  testTimeout: 60_000,
  setupFiles: ['<rootDir>/jest.setup.js'],
};
