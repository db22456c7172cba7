/**
 * `npm run check:docker`: static checks of the container files, for machines without a Docker
 * engine (CI among them). Prints every check and closes with "Checks: N failed, N passed, N total";
 * exit 1 when one failed.
 */
import { checkRepo } from './check-repo';
import { repoAt } from './repo';
import { failed, formatReport } from './report';

const checks = checkRepo(repoAt());
process.stdout.write(`${formatReport(checks)}\n`);
if (failed(checks).length > 0) {
  process.stderr.write(`\nnpm run check:docker: ${failed(checks).length} check(s) failed (see above)\n`);
  process.exit(1);
}
