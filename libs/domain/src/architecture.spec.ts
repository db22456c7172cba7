import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import type { ESLint as ESLintClass, Linter } from 'eslint';

/**
 * The domain stays pure (SPEC §2, developers' guide): lint must reject I/O, adapter clients,
 * our own adapters, clocks, timers, randomness and the environment anywhere in libs/domain/src,
 * and still let the domain hash with node:crypto. Each probe is source text linted in memory
 * with the repository's own ESLint configuration, as if it were a file of libs/domain/src.
 */
const ROOT = resolve(__dirname, '../../..');
const PROBE = 'libs/domain/src/__probe__.ts';

function createESLint(): ESLintClass {
  // ESLint loads eslint.config.mjs with import(), which jest's module sandbox cannot run; Node's own
  // require (reached through process.getBuiltinModule, which jest does not replace) loads ESLint natively.
  const { createRequire } = process.getBuiltinModule('node:module');
  const { ESLint } = createRequire(join(ROOT, 'package.json'))('eslint') as { ESLint: typeof ESLintClass };
  return new ESLint({
    cwd: ROOT,
    overrideConfig: {
      files: [PROBE],
      // The probe exists only in memory, so no tsconfig lists it: typed rules get TypeScript's default project.
      languageOptions: { parserOptions: { projectService: { allowDefaultProject: [PROBE] } } },
      // Module boundaries need Nx's project graph, which a test run need not have; the bans below are ESLint's own rules.
      rules: { '@nx/enforce-module-boundaries': 'off' },
    },
  });
}

let eslint: ESLintClass;
beforeAll(() => {
  eslint = createESLint();
});

async function lint(code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, PROBE) });
  if (!result) throw new Error('ESLint returned no result');
  const fatal = result.messages.find((m) => m.fatal === true || m.ruleId === null);
  if (fatal) throw new Error(`the probe did not lint: ${fatal.message}`);
  return result.messages;
}

/** The lines a `no-restricted-*` rule reports. */
async function restrictedLines(code: string): Promise<number[]> {
  return (await lint(code)).filter((m) => m.ruleId?.startsWith('no-restricted-') === true).map((m) => m.line);
}

describe('architecture: the domain is pure', () => {
  it('lets the domain hash with node:crypto (the probe lints clean when it breaks no rule)', async () => {
    const code = [
      "import { createHash } from 'node:crypto';",
      "import * as crypto from 'crypto';",
      "export const probe = [createHash('sha256').update('x').digest('hex'), crypto.createHash('sha256')];",
      '',
    ].join('\n');
    expect(await lint(code)).toEqual([]);
  });

  it.each([
    ['node:fs', "import { readFileSync } from 'node:fs';"],
    ['http', "import { request } from 'http';"],
    ['node:worker_threads', "import { Worker } from 'node:worker_threads';"],
    ['node:util', "import { inspect } from 'node:util';"],
    ['node:test (exists only with the prefix)', "import { test } from 'node:test';"],
    ['a type-only import of a builtin', "import type { Stats } from 'node:fs';"],
    ['pg', "import { Pool } from 'pg';"],
    ['kysely', "import { Kysely } from 'kysely';"],
    ['@aws-sdk/client-dynamodb', "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';"],
    ['@opensearch-project/opensearch', "import { Client } from '@opensearch-project/opensearch';"],
    ['@ivm/adapters-fs', "import { loadContractRegistry } from '@ivm/adapters-fs';"],
    ['new Date(0)', 'export const probe = new Date(0);'],
    ['new Date()', 'export const probe = new Date();'],
    ['Date.now()', 'export const probe = Date.now();'],
    ['Date.parse', "export const probe = Date.parse('2020-01-01');"],
    ['performance.now()', 'export const probe = performance.now();'],
    ['setTimeout', 'export const probe = setTimeout(() => undefined, 1);'],
    ['setInterval', 'export const probe = setInterval(() => undefined, 1);'],
    ['setImmediate', 'export const probe = setImmediate(() => undefined);'],
    ['queueMicrotask', 'queueMicrotask(() => undefined);'],
    ['process', "export const probe = process.env['X'];"],
    ['fetch', "export const probe = fetch('http://example.com');"],
    ['Math.random()', 'export const probe = Math.random();'],
    ['crypto.randomUUID()', "import * as crypto from 'node:crypto';\nexport const probe = crypto.randomUUID();"],
    ['randomBytes from node:crypto', "import { randomBytes } from 'node:crypto';"],
  ])('lint rejects %s', async (_what, code) => {
    // On the probe's last line: an allowed line before it (node:crypto) must stay allowed.
    expect(await restrictedLines(`${code}\n`)).toEqual([code.split('\n').length]);
  });

  it('lint rejects every Node builtin but crypto, bare and with node:, from the list Node itself gives', async () => {
    const names = [...new Set(builtinModules.map((name) => name.replace(/^node:/, '')))].filter((name) => name !== 'crypto');
    const specifiers = names.flatMap((name) => [name, `node:${name}`]);
    expect(specifiers.length).toBeGreaterThan(100);
    const code = specifiers.map((specifier) => `import '${specifier}';`).join('\n');
    const rejected = new Set(await restrictedLines(`${code}\n`));
    expect(specifiers.filter((_, i) => !rejected.has(i + 1))).toEqual([]);
  });
});
