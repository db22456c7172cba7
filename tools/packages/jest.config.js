module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'packages',
  rootDir: __dirname,
  // The install check builds, packs and npm-installs every package; the unit specs take milliseconds.
  testTimeout: 240_000,
};
