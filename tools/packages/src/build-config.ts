import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { type Lib } from './workspace';

/**
 * What is wrong with a lib's tsconfig.build.json (empty when nothing): it must compile `src/` into
 * `dist/packages/<folder>/dist`, and reference the build config of every `@ivm/*` dependency, so
 * `tsc -b` builds those first and reads their declarations instead of their sources.
 */
export function buildConfigProblems(lib: Lib, libsByName: ReadonlyMap<string, Lib>): string[] {
  const file = join(lib.root, 'tsconfig.build.json');
  const name = relative(lib.root, file);
  if (!existsSync(file)) return [`${lib.dir}: no ${name} (tools/packages/README.md shows one)`];
  const diagnostics: ts.Diagnostic[] = [];
  const host: ts.ParseConfigFileHost = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => diagnostics.push(diagnostic) };
  const parsed = ts.getParsedCommandLineOfConfigFile(file, {}, host);
  const errors = [...diagnostics, ...(parsed?.errors ?? [])].map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  if (parsed === undefined || errors.length > 0) return errors.map((error) => `${lib.dir}/${name}: ${error}`);
  const problems: string[] = [];
  const expect = (ok: boolean, message: string) => ok || problems.push(`${lib.dir}/${name}: ${message}`);
  const { options } = parsed;
  expect(options.outDir === join(lib.outDir, 'dist'), `outDir must be ${relative(lib.root, join(lib.outDir, 'dist'))}`);
  expect(options.rootDir === join(lib.root, 'src'), 'rootDir must be src (extend ../../tsconfig.build.base.json)');
  expect(options.composite === true && options.noEmit !== true, 'must extend ../../tsconfig.build.base.json (composite, emitting)');
  const leaked = parsed.fileNames.filter((f) => /\.spec\.ts$|\/testing\//.test(f));
  expect(leaked.length === 0, `compiles test files: ${leaked.map((f) => relative(lib.root, f)).join(', ')}`);
  const referenced = new Set<string>((parsed.projectReferences ?? []).map((reference) => ts.resolveProjectReferencePath(reference)));
  const wanted = Object.keys(lib.manifest.dependencies ?? {})
    .filter((dep) => dep.startsWith('@ivm/'))
    .map((dep) => libsByName.get(dep));
  for (const dep of wanted) {
    const path = dep && join(dep.root, 'tsconfig.build.json');
    expect(path !== undefined && referenced.delete(path), `references must include ${path ? relative(lib.root, path) : 'a publishable lib'} (a dependency)`);
  }
  for (const extra of referenced) expect(false, `references ${relative(lib.root, extra)}, which is not an @ivm dependency in package.json`);
  return problems;
}
