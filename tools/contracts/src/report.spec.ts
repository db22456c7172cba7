import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { validateContracts } from './report';

describe('contracts:validate', () => {
  it('lists the sample catalog as valid', async () => {
    const report = await validateContracts(resolve(__dirname, '../../../contracts'));
    expect(report.ok).toBe(true);
    expect(report.lines[0]).toMatch(/9 contracts, all valid$/);
    expect(report.lines).toContain('  RuleSet      product@1.0.0');
  });

  it('lists every problem of a broken set with file and path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ivm-validate-'));
    try {
      await writeFile(join(dir, 'a.yaml'), 'kind: View\nid: v\nversion: one\nroot: product\nslices: []\nfields: {}\n');
      const report = await validateContracts(dir);
      expect(report.ok).toBe(false);
      expect(report.lines.slice(1)).toEqual([
        '  a.yaml#/fields: must NOT have fewer than 1 properties',
        '  a.yaml#/slices: must NOT have fewer than 1 items',
        '  a.yaml#/version: must match pattern "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$"',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says so for a missing directory', async () => {
    expect(await validateContracts('/nonexistent/contracts')).toEqual({ ok: false, lines: ['/nonexistent/contracts: no such directory'] });
  });
});
