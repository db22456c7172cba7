/**
 * npm run contracts:validate [dir] — validates a contract directory (default: ./contracts) and
 * prints every problem as `file#/json/pointer: message`. Exits 1 when the set is invalid.
 */
import { resolve } from 'node:path';
import { validateContracts } from './report';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h') || args.length > 1) {
  console.log('usage: npm run contracts:validate [dir]   (default dir: ./contracts)');
  process.exit(args.length > 1 ? 2 : 0);
}
validateContracts(resolve(args[0] ?? 'contracts')).then(
  (report) => {
    (report.ok ? console.log : console.error)(report.lines.join('\n'));
    process.exitCode = report.ok ? 0 : 1;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
