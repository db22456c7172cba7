/** One rule applied to one file or service: passed when it found no problem. */
export interface Check {
  /** The rule, e.g. "non-root USER in final stages". */
  readonly rule: string;
  /** What it was applied to: a file, or a file and a service. */
  readonly subject: string;
  readonly problems: readonly string[];
}

export const check = (rule: string, subject: string, problems: readonly string[]): Check => ({ rule, subject, problems });

export const failed = (checks: readonly Check[]): Check[] => checks.filter((c) => c.problems.length > 0);

/** The report `npm run check:docker` prints: each check, its problems, and a closing count CI adds up. */
export function formatReport(checks: readonly Check[]): string {
  const lines: string[] = [];
  let subject: string | undefined;
  for (const c of checks) {
    if (c.subject !== subject) {
      subject = c.subject;
      lines.push('', subject);
    }
    lines.push(`  ${c.problems.length === 0 ? '✓' : '✗'} ${c.rule}`);
    for (const problem of c.problems) lines.push(`      ${problem}`);
  }
  const bad = failed(checks).length;
  lines.push('', `Checks: ${bad} failed, ${checks.length - bad} passed, ${checks.length} total`);
  return lines.join('\n');
}
