import { csvLine, safeCellValue } from '../../shared/spreadsheet-cell';
import type { RankedCandidate } from './engine';

/** `provisional` is "true" where missing results could still change the status (SEMENTARA), empty where it is final. */
const COLUMNS = ['kode_formasi', 'rank', 'nomor_peserta', 'kategori', 'twk', 'tiu', 'tkp', 'skd_total', 'skb', 'final', 'final_exact', 'status', 'decided_by', 'reason', 'provisional', 'provisional_reason'] as const;

function cells(r: RankedCandidate): (string | number | null)[] {
  return [r.kode_formasi, r.rank, r.nomor_peserta, r.kategori, r.components.twk ?? null, r.components.tiu ?? null, r.components.tkp ?? null, r.skd_total, r.skb, r.final, r.final_exact, r.status, r.decided_by, r.reason, r.provisional ? 'true' : null, r.provisional_reason ?? null];
}

/** The columns that hold numbers with decimals: a spreadsheet reads them with its locale's decimal separator. */
const DECIMAL_COLUMNS: ReadonlySet<string> = new Set(['twk', 'tiu', 'tkp', 'skd_total', 'skb', 'final']);

type RulesetRef = { id: string; version: string; sha256: string };

const rulesetLine = (ruleset: RulesetRef) => `# ruleset ${ruleset.id} ${ruleset.version} sha256 ${ruleset.sha256}`;

/**
 * The exact, machine-readable results (`hasil.csv`): commas between fields and decimal points, as every program
 * and an English-locale spreadsheet read them; `final_exact` carries the exact fraction, so they recompute
 * anywhere. Opened in a spreadsheet set to Indonesian, its decimal points are taken for thousands separators:
 * that is what `resultsSpreadsheetCsv` is for. A text cell that would start a formula gets a leading apostrophe
 * (shared/spreadsheet-cell); numbers stay as they are.
 */
export function resultsCsv(results: RankedCandidate[], ruleset: RulesetRef): string {
  return [...resultsCsvLines(results, ruleset)].join('');
}

/** `resultsCsv` a line at a time (each ending in CRLF): what the site writes out without holding the whole. */
export function* resultsCsvLines(results: readonly RankedCandidate[], ruleset: RulesetRef): Generator<string> {
  yield `\uFEFF${rulesetLine(ruleset)}\r\n`;
  yield `${COLUMNS.join(',')}\r\n`;
  for (const r of results) yield `${csvLine(cells(r), ',')}\r\n`;
}

/** The columns of the spreadsheet CSV: `final_exact` is left out, a fraction such as 20/3 would be read as a date. */
const SPREADSHEET_COLUMNS = COLUMNS.filter((c) => c !== 'final_exact');
/** Where each of them is in `cells`, and whether it holds decimals: worked out once, not per cell. */
const SPREADSHEET_CELLS = SPREADSHEET_COLUMNS.map((c) => ({ at: COLUMNS.indexOf(c), decimal: DECIMAL_COLUMNS.has(c) }));

/**
 * The results for a spreadsheet set to Indonesian (`hasil-excel.csv`): semicolons between fields and decimal
 * commas, which Excel and LibreOffice in the id-ID locale open directly with every number right (79,467 is
 * seventy-nine and a bit, not 79,467). The exact fraction is in `resultsCsv`.
 */
export function resultsSpreadsheetCsv(results: RankedCandidate[], ruleset: RulesetRef): string {
  return [...resultsSpreadsheetCsvLines(results, ruleset)].join('');
}

/** `resultsSpreadsheetCsv` a line at a time (each ending in CRLF). */
export function* resultsSpreadsheetCsvLines(results: readonly RankedCandidate[], ruleset: RulesetRef): Generator<string> {
  yield `\uFEFF${csvLine([rulesetLine(ruleset)], ';')}\r\n`;
  yield `${SPREADSHEET_COLUMNS.join(';')}\r\n`;
  for (const r of results) {
    const row = cells(r);
    const line = csvLine(
      SPREADSHEET_CELLS.map(({ at, decimal }) => {
        const v = row[at] ?? null;
        return decimal && v !== null ? String(v).replace('.', ',') : v;
      }),
      ';',
    );
    yield `${line}\r\n`;
  }
}

export async function resultsXlsx(results: RankedCandidate[], ruleset: RulesetRef, title: string): Promise<Buffer> {
  // exceljs loads here, for the one export that needs it: it takes longer to load than Node takes to start.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Lentera';
  const ws = wb.addWorksheet('Hasil');
  // The title is the exam package's free text: made safe like every other text cell.
  ws.addRow([safeCellValue(title)]);
  ws.addRow([safeCellValue(`Aturan ${ruleset.id} ${ruleset.version}, sha256 ${ruleset.sha256}`)]);
  ws.addRow([]);
  const header = ws.addRow([...COLUMNS]);
  header.font = { bold: true };
  for (const r of results) {
    const row = cells(r).map((v, i) => {
      const col = COLUMNS[i];
      // Numbers stay numbers in the sheet (shown with the reader's decimal separator); exact fractions stay text.
      if (v !== null && DECIMAL_COLUMNS.has(col!)) return Number(v);
      return safeCellValue(v);
    });
    ws.addRow(row);
  }
  ws.views = [{ state: 'frozen', ySplit: 4 }];
  ws.columns.forEach((c) => (c.width = 14));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
