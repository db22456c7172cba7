import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The domain stays pure (SPEC §2, developers' guide): lint must reject I/O, adapter clients,
 * our own adapters, clocks, randomness and the environment anywhere in libs/domain/src.
 * This lints a probe file there with the repository's own ESLint configuration.
 */
const ROOT = resolve(__dirname, '../../..');
const PROBE = join(__dirname, '__lint_probe__.ts');

const PROBE_SOURCE = `
import { readFileSync } from 'node:fs';
import { request } from 'http';
import { Pool } from 'pg';
import { Kysely } from 'kysely';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Client } from '@opensearch-project/opensearch';
import { loadContractRegistry } from '@ivm/adapters-fs';
export const probe = [readFileSync, request, Pool, Kysely, DynamoDBClient, Client, loadContractRegistry, Date.now(), Math.random(), new Date(), process.env['X']];
`;

interface LintMessage {
  readonly ruleId: string | null;
  readonly message: string;
  readonly line: number;
}

function lintProbe(): LintMessage[] {
  writeFileSync(PROBE, PROBE_SOURCE);
  try {
    const output = execFileSync(process.execPath, [join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', '--no-warn-ignored', PROBE], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
    return (JSON.parse(output) as Array<{ messages: LintMessage[] }>)[0]?.messages ?? [];
  } catch (error) {
    // ESLint exits 1 when it finds problems; its JSON report is still on stdout.
    const stdout = (error as { stdout?: string }).stdout;
    if (!stdout) throw error;
    return (JSON.parse(stdout) as Array<{ messages: LintMessage[] }>)[0]?.messages ?? [];
  } finally {
    rmSync(PROBE, { force: true });
  }
}

describe('architecture: the domain is pure', () => {
  it('lint rejects every impure import and call in libs/domain/src', () => {
    const messages = lintProbe();
    const restricted = (text: string): boolean => messages.some((m) => m.ruleId?.startsWith('no-restricted') === true && m.message.includes(text));
    for (const module of ['node:fs', 'http', 'pg', 'kysely', '@aws-sdk/client-dynamodb', '@opensearch-project/opensearch', '@ivm/adapters-fs']) {
      expect({ module, rejected: restricted(`'${module}'`) }).toEqual({ module, rejected: true });
    }
    expect(restricted('Date.now')).toBe(true);
    expect(restricted('Math.random')).toBe(true);
    expect(messages.some((m) => m.ruleId === 'no-restricted-syntax' && m.message.includes('Clock port'))).toBe(true);
    expect(messages.some((m) => m.ruleId === 'no-restricted-globals' && m.message.includes('environment'))).toBe(true);
  }, 120_000);
});
