module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'domain',
  rootDir: __dirname,
  // Property suites walk thousands of random steps; the default 5 s is for unit tests.
  testTimeout: 600_000,
};
