module.exports = { ...require('../../jest.preset.js'), displayName: 'api', rootDir: __dirname, testTimeout: 60_000, setupFiles: ['<rootDir>/jest.setup.js'] };
