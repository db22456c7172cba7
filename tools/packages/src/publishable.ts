/**
 * The libs published as npm packages: the one list `npm run build` and `npm run pack` read. Their
 * order does not matter (tsc orders the builds by the references in each tsconfig.build.json).
 * Adding a lib or a subpath export: tools/packages/README.md.
 */
export const PUBLISHABLE_LIBS: readonly string[] = [
  'libs/domain',
  'libs/application',
  'libs/adapters-fs',
  'libs/adapters-dynamodb',
  'libs/adapters-postgres',
  'libs/adapters-opensearch',
  'libs/adapters-webhook',
  'libs/sdk',
];
