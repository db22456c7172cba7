import { parseArgs } from 'node:util';
import { runCodegen } from './codegen';

const USAGE = `Usage: npm run codegen -- [--contracts DIR] [--out FILE] [--sdk-import SPEC] [--check]

Generates the typed SDK of a contract directory: an input type per entity schema, a result type
per view, the sinks as methods, the ingest methods, and Ivm.client / Ivm.inProcess.

  --contracts DIR     the contract directory (default: contracts)
  --out FILE          the file to write (default: libs/sdk/src/generated/catalog.ts)
  --sdk-import SPEC   where the file imports the SDK core from (default: ../core; use @ivm/sdk in your own project)
  --check             write nothing; exit 1 when FILE is not what the contracts generate (CI)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      contracts: { type: 'string', default: 'contracts' },
      out: { type: 'string', default: 'libs/sdk/src/generated/catalog.ts' },
      'sdk-import': { type: 'string', default: '../core' },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const result = await runCodegen({ contracts: values.contracts, out: values.out, sdkImport: values['sdk-import'], check: values.check });
  switch (result.status) {
    case 'written':
      console.log(`codegen: wrote ${result.out} from ${values.contracts}/`);
      return 0;
    case 'unchanged':
      console.log(`codegen: ${result.out} is up to date with ${values.contracts}/ (nothing written)`);
      return 0;
    case 'in-sync':
      console.log(`codegen --check: ${result.out} is in sync with ${values.contracts}/`);
      return 0;
    case 'stale':
      console.error(
        `codegen --check: ${result.out} is out of date with ${values.contracts}/ — run \`npm run codegen\` and commit the result.\n  First difference at ${result.difference}`,
      );
      return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const e = error as { code?: string; message?: string; details?: { path: string; message: string }[] };
    console.error(`codegen: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`);
    for (const d of e.details ?? []) console.error(`  ${d.path}: ${d.message}`);
    if (!e.code) console.error(USAGE);
    process.exit(2);
  },
);
