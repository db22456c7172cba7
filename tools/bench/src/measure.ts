import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface Timing {
  readonly ms: number;
}

export async function timed<T>(work: () => Promise<T> | T): Promise<Timing & { readonly value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

/** The fastest of `runs` runs: the least disturbed by GC and the other core's load. */
export async function bestOf<T>(runs: number, work: () => Promise<T> | T): Promise<Timing & { readonly value: T }> {
  let best: (Timing & { value: T }) | undefined;
  for (let i = 0; i < runs; i++) {
    const run = await timed(work);
    if (!best || run.ms < best.ms) best = run;
  }
  return best as Timing & { value: T };
}

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export function progress(label: string, done: number, total: number): void {
  const step = Math.max(1, Math.floor(total / 10));
  if (done === total || Math.floor(done / step) !== Math.floor((done - 1) / step)) process.stdout.write(`  ${label}: ${done}/${total}\n`);
}

export const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The element at `index`, which must exist (a bench bug otherwise). */
export function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new RangeError(`no element ${index} of ${items.length}`);
  return item;
}

/** The `p`-quantile (0–1) of the values, by nearest rank. */
export function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return at(sorted, Math.min(sorted.length - 1, Math.floor(sorted.length * p)));
}

/** A figure of a benchmark: what, the measurement, and its ratio to the baseline. */
export type Row = readonly [name: string, value: string, ratio: string];

/** Prints the rows as aligned columns. */
export function printTable(rows: readonly Row[]): void {
  const width = Math.max(...rows.map((r) => r[0].length));
  const width2 = Math.max(...rows.map((r) => r[1].length));
  console.log('');
  for (const [name, value, ratio] of rows) console.log(`${name.padEnd(width)}  ${value.padEnd(width2)}  ${ratio}`);
}

/** Writes `{benchmark, at, node, ...figures}` as `<dir>/<benchmark>-<time>.json` and says where. */
export async function writeSummary(dir: string, benchmark: string, figures: Record<string, unknown>): Promise<void> {
  const at = new Date().toISOString();
  const out = resolve(dir);
  await mkdir(out, { recursive: true });
  const file = join(out, `${benchmark}-${at.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify({ benchmark, at, node: process.version, ...figures }, null, 2)}\n`);
  console.log(`\nsummary written to ${file}`);
}
