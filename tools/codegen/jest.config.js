module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'codegen',
  rootDir: __dirname,
  testTimeout: 60_000,
  moduleNameMapper: { '^prettier$': '<rootDir>/testing/prettier-unavailable.js' },
};
