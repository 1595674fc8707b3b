import { csvLine } from './spreadsheet-cell';
import { ROSTER_COLUMNS } from './rules';

/** A rejected roster row as the registry answers it: its line, the column at fault, why, and the file's own values. */
export interface RejectedReportRow {
  line: number;
  column: string;
  reason: string;
  values?: Record<string, string>;
}

/**
 * The rejected rows of a roster import with their reasons, as a CSV with a byte-order mark. It is written in the
 * input's own dialect: its separator (`;` for a file from Indonesian Excel, `,` for one from an English-locale
 * spreadsheet), and its values as the file had them, decimal comma or point included, so the report opens in the
 * spreadsheet that made the file just as the file did. The values are free text: a cell that would start a
 * formula gets a leading apostrophe (spreadsheet-cell.ts). Header: baris;kolom;alasan;<the roster columns>.
 * Browser-safe: the CLI writes it next to the input, the window offers it as a download.
 */
export function rejectedReportCsv(rejected: readonly RejectedReportRow[], delimiter: ';' | ',' | '\t' = ';'): string {
  const header = csvLine(['baris', 'kolom', 'alasan', ...ROSTER_COLUMNS], delimiter);
  const lines = rejected.map((r) => csvLine([r.line, r.column, r.reason, ...ROSTER_COLUMNS.map((c) => r.values?.[c] ?? '')], delimiter));
  return '\uFEFF' + [header, ...lines].join('\r\n') + '\r\n';
}

/** The report's name: "roster.csv" → "roster.csv.ditolak.csv". */
export function rejectedReportName(file: string): string {
  return `${file}.ditolak.csv`;
}
