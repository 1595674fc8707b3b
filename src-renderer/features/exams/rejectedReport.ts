import type { RejectedRow } from '../../api';
import { csvLine } from '../../../src-main/shared/spreadsheet-cell';
import { ROSTER_COLUMNS } from '../../../src-main/shared/rules';

// The registry's own column list, so the report's columns are the file's.
export { ROSTER_COLUMNS };

/**
 * The rejected rows with their reasons, as the CLI writes them: a semicolon CSV with a byte-order mark, so that
 * Indonesian Excel opens it in columns. Header: baris;kolom;alasan;<the roster columns>. The values are the
 * file's own free text, so a cell that would start a formula gets a leading apostrophe (the same rule as every
 * export: src-main/shared/spreadsheet-cell, a browser-safe module without imports).
 */
export function rejectedReportCsv(rejected: readonly RejectedRow[]): string {
  const header = ['baris', 'kolom', 'alasan', ...ROSTER_COLUMNS];
  const lines = rejected.map((r) => csvLine([r.line, r.column, r.reason, ...ROSTER_COLUMNS.map((c) => r.values?.[c] ?? '')]));
  return '\uFEFF' + [header.join(';'), ...lines].join('\r\n') + '\r\n';
}

/** The name the CLI gives it too: "roster.csv" → "roster.csv.ditolak.csv". */
export function rejectedReportName(file: string): string {
  return `${file}.ditolak.csv`;
}
