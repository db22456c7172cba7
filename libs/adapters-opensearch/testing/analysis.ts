/**
 * Text analysis and date parsing, approximated: enough for the queries the test server answers,
 * not Lucene. The README lists the deviations.
 */

/**
 * The standard analyzer, roughly: runs of letters, digits and `_` (kept together across a single
 * `.` or `'` between them, as UAX#29 word breaking does for "example.com" or "o'neil"), lower-cased.
 */
export function analyze(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+(?:[.'’][\p{L}\p{N}_]+)*/gu) ?? [];
}

/** The `date` field's default format. */
export const DEFAULT_DATE_FORMAT = 'strict_date_optional_time||epoch_millis';

const DATE_FORMATS = new Set(['strict_date_optional_time', 'date_optional_time', 'epoch_millis', 'epoch_second']);

/** True when the test server can parse every alternative of a `format` (`a||b`). */
export function isSupportedDateFormat(format: string): boolean {
  return format.split('||').every((part) => DATE_FORMATS.has(part.trim()));
}

const ISO = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/;

/** Epoch milliseconds of an ISO-8601 date as strict_date_optional_time reads it (UTC unless a zone is given), or undefined. */
export function parseIsoDate(text: string): number | undefined {
  const match = ISO.exec(text);
  if (match === null) return undefined;
  const [, year, month = '01', day = '01', hour = '00', minute = '00', second = '00', fraction = '', zone] = match;
  const parts = [Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second)] as const;
  const [y, mo, d, h, mi, s] = parts;
  const check = new Date(Date.UTC(2000, 0, 1, h, mi, s, Number(fraction.padEnd(3, '0').slice(0, 3))));
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  check.setUTCFullYear(y, mo - 1, d);
  const millis = check.getTime();
  // Date.UTC rolls 2024-02-30 over to March; Java's resolver refuses it.
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  if (zone === undefined || zone === 'Z') return millis;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return millis - sign * offset * 60_000;
}

/** Epoch milliseconds of a date value under a `format` (`a||b`, first that parses), or undefined. */
export function parseDate(value: string | number, format: string = DEFAULT_DATE_FORMAT): number | undefined {
  for (const part of format.split('||').map((p) => p.trim())) {
    const parsed = parseWith(part, value);
    if (parsed !== undefined) return parsed;
  }
  return undefined;
}

function parseWith(format: string, value: string | number): number | undefined {
  if (format === 'epoch_millis' || format === 'epoch_second') {
    const number = typeof value === 'number' ? value : /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
    if (!Number.isFinite(number)) return undefined;
    return Math.trunc(format === 'epoch_second' ? number * 1000 : number);
  }
  // A JSON number under a date format is read as its text, which no ISO pattern with a dash matches but a bare year does.
  return parseIsoDate(String(value));
}
