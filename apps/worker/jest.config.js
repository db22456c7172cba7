const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'worker',
  rootDir: __dirname,
  testTimeout: 60_000,
  transform: { ...preset.transform, '^.+/node_modules/effect/.+\\.js$': '<rootDir>/jest.effect-transform.js' },
  transformIgnorePatterns: ['/node_modules/(?!effect/)'],
};
