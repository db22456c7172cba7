import { publishedEntries } from './entries';

const base = { name: '@ivm/x', version: '1.0.0' };

describe('publishedEntries', () => {
  it('publishes main as "." when there is no exports map', () => {
    expect(publishedEntries({ ...base, main: './src/index.ts' }, 'libs/x')).toEqual([
      { subpath: '.', source: './src/index.ts', js: './dist/index.js', dts: './dist/index.d.ts' },
    ]);
  });

  it('maps every exports subpath under src/ to its .js and .d.ts, and leaves monorepo-only ones (testing/) out', () => {
    const exports = {
      '.': './src/index.ts',
      './in-process': './src/in-process/index.ts',
      './testing': './testing/index.ts',
      './package.json': './package.json',
    };
    expect(publishedEntries({ ...base, exports }, 'libs/sdk')).toEqual([
      { subpath: '.', source: './src/index.ts', js: './dist/index.js', dts: './dist/index.d.ts' },
      { subpath: './in-process', source: './src/in-process/index.ts', js: './dist/in-process/index.js', dts: './dist/in-process/index.d.ts' },
    ]);
  });

  it.each([
    [{ main: undefined }, 'neither "exports" nor "main"'],
    [{ exports: './src/index.ts' }, '"exports" must map subpaths'],
    [{ exports: { '.': { require: './src/index.ts' } } }, 'conditions are not supported'],
    [{ exports: { 'in-process': './src/in-process.ts' } }, 'must be "." or start with "./"'],
    [{ exports: { '.': './src/index.js' } }, 'must be a .ts file under ./src/'],
    [{ exports: { './in-process': './src/in-process.ts' } }, 'no "." entry'],
  ])('refuses %j', (fields, message) => {
    expect(() => publishedEntries({ ...base, ...fields }, 'libs/x')).toThrow(message);
  });
});
