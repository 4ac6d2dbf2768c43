/**
 * RFC 4180 CSV for spreadsheets: CRLF line ends, every field quoted when it holds a comma, a quote,
 * CR or LF, quotes doubled. A cell a spreadsheet could take for a formula (it begins with `=`, `+`,
 * `-`, `@`, tab or CR) gets a leading apostrophe, so it is shown as text and never evaluated
 * (OWASP, "CSV Injection"); the apostrophe is the one change made to any value.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralise(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** A value as the text of a cell: strings as they are, numbers and booleans as JSON writes them, arrays and objects as JSON, nothing as empty. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function csvField(value: string): string {
  const safe = neutralise(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvRow(values: readonly string[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
