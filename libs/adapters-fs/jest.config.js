module.exports = { ...require('../../jest.preset.js'), displayName: 'adapters-fs', rootDir: __dirname };
