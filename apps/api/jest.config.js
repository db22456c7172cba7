const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'api',
  rootDir: __dirname,
  testTimeout: 60_000,
  setupFiles: ['<rootDir>/jest.setup.js'],
  // @ivm/runtime (configuration, sinks, the in-process worker) pulls in Effect, which ships ES modules only.
  transform: { ...preset.transform, '^.+/node_modules/effect/.+\\.js$': '<rootDir>/../../libs/runtime/jest.effect-transform.js' },
  transformIgnorePatterns: ['/node_modules/(?!effect/)'],
};
