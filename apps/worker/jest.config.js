const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'worker',
  rootDir: __dirname,
  testTimeout: 60_000,
  transform: { ...preset.transform, '^.+/node_modules/effect/.+\\.js$': '<rootDir>/jest.effect-transform.js' },
  transformIgnorePatterns: ['/node_modules/(?!effect/)'],
  // One embedded PostgreSQL for the run (none when DATABASE_URL is set), stopped after the last test file: the process tests make their own database on it.
  globalSetup: '<rootDir>/../../libs/adapters-postgres/testing/jest-global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/adapters-postgres/testing/jest-global-teardown.ts',
};
