/**
 * Spreadsheet formula injection ("CSV injection", OWASP): a text cell that starts with `=`, `+`, `-`, `@`, a tab
 * or a carriage return is taken for a formula by Excel, LibreOffice and Google Sheets, so a candidate's name such
 * as `=HYPERLINK("http://…","klik")` would run when a coordinator opens an export. Every CSV and XLSX Lentera
 * writes passes its text cells through `safeCell`, which puts a single quote in front of such a cell. A plain
 * number (`-5`, `68.291`, `3,45`) is left as it is, so numbers stay numbers.
 *
 * The prefix is reversible (`originalCell`): a text that already starts with quotes followed by a formula
 * character gets one more, so dropping the added quote always gives back the text.
 *
 * Browser-safe and without imports: the renderer's "rejected rows" download uses this very module.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
/** A decimal number as Lentera writes it and as Indonesian Excel types it: optional sign, point or comma. */
const PLAIN_NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;

function isFormulaLike(text: string): boolean {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text);
}

/** Whether `safeCell` prefixes this text: it (after any quotes it already starts with) would read as a formula. */
export function needsQuotePrefix(text: string): boolean {
  let i = 0;
  while (text.charCodeAt(i) === 0x27) i++;
  return isFormulaLike(i === 0 ? text : text.slice(i));
}

/** The text as a spreadsheet cell that cannot start a formula. */
export function safeCell(text: string): string {
  return needsQuotePrefix(text) ? `'${text}` : text;
}

/** The inverse of `safeCell`: drops the quote it added, and only that one. */
export function originalCell(cell: string): string {
  return cell.charCodeAt(0) === 0x27 && needsQuotePrefix(cell.slice(1)) ? cell.slice(1) : cell;
}

/** A cell value for an XLSX writer: text made safe; numbers, dates, booleans and empty cells unchanged. */
export function safeCellValue<T>(value: T): T {
  return (typeof value === 'string' ? safeCell(value) : value) as T;
}

/**
 * One CSV field: text made safe, then quoted when it holds the separator, a quote or a line break. A number is
 * written as a number.
 */
export function csvField(value: string | number | null | undefined, delimiter = ';'): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'number' ? String(value) : safeCell(value);
  return s.includes(delimiter) || /["\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (without its line break). */
export function csvLine(values: readonly (string | number | null | undefined)[], delimiter = ';'): string {
  return values.map((v) => csvField(v, delimiter)).join(delimiter);
}
