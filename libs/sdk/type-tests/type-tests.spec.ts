import path from 'node:path';
import ts from 'typescript';

const here = __dirname;
const allowed = path.join(here, 'allowed.ts');
const forbidden = path.join(here, 'forbidden.ts');
const DIRECTIVE = /^\s*\/\/ @ts-expect-error ((?:TS\d+ ?)+)\s*$/;

/** Compiles `files` with the SDK's tsconfig; `overrides` replaces a file's text. */
function diagnostics(files: readonly string[], overrides: ReadonlyMap<string, string> = new Map()): readonly ts.Diagnostic[] {
  const configPath = path.join(here, '..', 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')) },
  );
  if (config === undefined) throw new Error(`cannot read ${configPath}`);
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => overrides.get(path.resolve(file)) ?? readFile(file);
  const program = ts.createProgram({ rootNames: [...files], options: { ...config.options, noEmit: true }, host });
  return ts.getPreEmitDiagnostics(program).filter((d) => d.file === undefined || files.includes(path.resolve(d.file.fileName)));
}

function describeAll(list: readonly ts.Diagnostic[]): string[] {
  return list.map((d) => {
    const where = d.file && d.start !== undefined ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '?';
    return `${where} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

describe('the SDK types (generated from the sample catalog)', () => {
  it("compile API.md's SDK section and the other allowed uses", () => {
    expect(describeAll(diagnostics([allowed]))).toEqual([]);
  });

  it('reject each forbidden use, with the error its directive names (and nothing else)', () => {
    const text = ts.sys.readFile(forbidden) ?? '';
    const lines = text.split('\n');
    const expected: string[] = [];
    const stripped = lines.map((line, index) => {
      const match = DIRECTIVE.exec(line);
      if (match === null) return line;
      // The directive's own line stays (blank) so line numbers hold; the error is on the next line.
      for (const code of (match[1] ?? '').trim().split(' ')) expected.push(`forbidden.ts:${index + 2} ${code}`);
      return '';
    });
    expect(expected.length).toBeGreaterThanOrEqual(14);

    // With the directives, nothing is reported: each one met an error.
    expect(describeAll(diagnostics([forbidden]))).toEqual([]);
    // Without them, exactly the errors each directive names, on its line, and no other.
    const found = describeAll(diagnostics([forbidden], new Map([[path.resolve(forbidden), stripped.join('\n')]])));
    expect(found.map((d) => d.split(' ').slice(0, 2).join(' '))).toEqual(expected);
  });
});
