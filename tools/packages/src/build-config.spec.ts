import { buildConfigProblems } from './build-config';
import { publishedEntries } from './entries';
import { PUBLISHABLE_LIBS } from './publishable';
import { readLib } from './workspace';

const libs = PUBLISHABLE_LIBS.map(readLib);
const byName = new Map(libs.map((lib) => [lib.manifest.name, lib]));

describe.each(libs.map((lib) => [lib.dir, lib] as const))('%s', (_, lib) => {
  it('has a tsconfig.build.json that compiles src/ into its package and references its @ivm dependencies', () => {
    expect(buildConfigProblems(lib, byName)).toEqual([]);
  });

  it('declares its entries, a description and a version', () => {
    expect(publishedEntries(lib.manifest, lib.dir).length).toBeGreaterThan(0);
    expect(lib.manifest.description).toEqual(expect.any(String));
    expect(lib.manifest.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

it('catches a tsconfig.build.json that misses a reference', () => {
  const fs = readLib('libs/adapters-fs');
  const withApplication = { ...fs, manifest: { ...fs.manifest, dependencies: { ...fs.manifest.dependencies, '@ivm/application': '0.1.0' } } };
  expect(buildConfigProblems(withApplication, byName)).toEqual([expect.stringContaining('references must include ../application/tsconfig.build.json')]);
});
