import { csvLine, safeCellValue } from '../../shared/spreadsheet-cell';
import type { RankedCandidate } from './engine';

/** `provisional` is "true" where missing results could still change the status (SEMENTARA), empty where it is final. */
const COLUMNS = ['kode_formasi', 'rank', 'nomor_peserta', 'kategori', 'twk', 'tiu', 'tkp', 'skd_total', 'skb', 'final', 'final_exact', 'status', 'decided_by', 'reason', 'provisional', 'provisional_reason'] as const;

function cells(r: RankedCandidate): (string | number | null)[] {
  return [r.kode_formasi, r.rank, r.nomor_peserta, r.kategori, r.components.twk ?? null, r.components.tiu ?? null, r.components.tkp ?? null, r.skd_total, r.skb, r.final, r.final_exact, r.status, r.decided_by, r.reason, r.provisional ? 'true' : null, r.provisional_reason ?? null];
}

/**
 * Machine-readable results keep a decimal point (so they recompute anywhere); `final_exact` carries the exact
 * fraction. Semicolons, because Indonesian Excel opens them without a wizard. A text cell that would start a
 * formula gets a leading apostrophe (shared/spreadsheet-cell); numbers stay as they are.
 */
export function resultsCsv(results: RankedCandidate[], ruleset: { id: string; version: string; sha256: string }): string {
  const lines = [COLUMNS.join(';'), ...results.map((r) => csvLine(cells(r)))];
  return `\uFEFF# ruleset ${ruleset.id} ${ruleset.version} sha256 ${ruleset.sha256}\r\n${lines.join('\r\n')}\r\n`;
}

export async function resultsXlsx(results: RankedCandidate[], ruleset: { id: string; version: string; sha256: string }, title: string): Promise<Buffer> {
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
      if (v !== null && (col === 'skd_total' || col === 'skb' || col === 'final' || col === 'twk' || col === 'tiu' || col === 'tkp')) return Number(v);
      return safeCellValue(v);
    });
    ws.addRow(row);
  }
  ws.views = [{ state: 'frozen', ySplit: 4 }];
  ws.columns.forEach((c) => (c.width = 14));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
