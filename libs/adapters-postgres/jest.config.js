module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'adapters-postgres',
  rootDir: __dirname,
  testTimeout: 60_000,
  // One embedded PostgreSQL per run (none when DATABASE_URL is set); each test file creates its own database.
  globalSetup: '<rootDir>/testing/jest-global-setup.ts',
  globalTeardown: '<rootDir>/testing/jest-global-teardown.ts',
};
