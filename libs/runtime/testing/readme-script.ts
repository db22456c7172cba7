/**
 * README blocks run as tests: a section's `sh` block as a script, and its `# → fragment` lines as
 * the expectations of the command above them, so the README and the product cannot disagree.
 */

/** The `index`-th (0-based) `sh` block of the section under `heading` (e.g. `### Deploy walk-through`), without its fences. */
export function readmeShBlock(readme: string, heading: string, index: number): string {
  return readmeBlock(readme, heading, index, 'sh');
}

/** The `index`-th (0-based) fenced block of `language` (`sh`, `ts`, …) in the section under `heading`, without its fences. */
export function readmeBlock(readme: string, heading: string, index: number, language: string): string {
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README: no section "${heading}"`);
  const rest = readme.slice(start + heading.length + 2);
  // The next heading of this level or above; a shell comment (one #) inside a block is not one.
  const end = rest.search(new RegExp(`\\n#{2,${Math.max(2, level)}} `));
  const section = end < 0 ? rest : rest.slice(0, end);
  const block = section.match(new RegExp(`\`\`\`${language}\\n[\\s\\S]*?\`\`\``, 'g'))?.[index];
  if (block === undefined) throw new Error(`README: the "${heading}" section lost its ${language} block #${index + 1}`);
  return block.slice(language.length + 4, -3);
}

/** The script with a marker (`echo "@@CHECK n"`) before each group of `# → fragment` lines, and the fragments by marker. */
export function instrumentExpectations(script: string): { script: string; expectations: string[][] } {
  const expectations: string[][] = [];
  const out: string[] = [];
  for (const line of script.split('\n')) {
    const expected = /^# → (.*)$/.exec(line);
    if (!expected) {
      out.push(line);
      continue;
    }
    if (!out.at(-1)?.startsWith('echo "@@CHECK')) {
      out.push(`echo "@@CHECK ${expectations.length}"`);
      expectations.push([]);
    }
    expectations.at(-1)?.push(expected[1] as string);
  }
  return { script: out.join('\n'), expectations };
}
