const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'docker-check',
  rootDir: __dirname,
  testTimeout: 60_000,
  // The image smoke test runs the bundled apps, whose @ivm/runtime pulls in Effect (ES modules only).
  transform: { ...preset.transform, '^.+/node_modules/effect/.+\\.js$': '<rootDir>/../../libs/runtime/jest.effect-transform.js' },
  transformIgnorePatterns: ['/node_modules/(?!effect/)'],
};
