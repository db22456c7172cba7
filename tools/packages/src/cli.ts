/**
 * npm run build [-- --pack] | npm run pack — builds the publishable libs into dist/packages and,
 * with pack, writes one tarball per package into dist/tarballs (tools/packages/README.md).
 */
import { relative } from 'node:path';
import { buildPackages } from './build';
import { packPackages } from './pack';
import { ROOT, TARBALLS_DIR } from './workspace';

const [command, ...flags] = process.argv.slice(2);
const pack = command === 'pack' || flags.includes('--pack');
if ((command !== 'build' && command !== 'pack') || flags.some((flag) => flag !== '--pack')) {
  console.error('usage: npm run build [-- --pack] | npm run pack');
  process.exit(2);
}

async function main(): Promise<void> {
  const started = performance.now();
  const built = await buildPackages();
  if (pack) await packPackages(built, TARBALLS_DIR);
  const where = pack ? relative(ROOT, TARBALLS_DIR) : 'dist/packages';
  console.log(`${built.length} packages ${pack ? 'packed' : 'built'} in ${((performance.now() - started) / 1000).toFixed(1)} s → ${where}/`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
