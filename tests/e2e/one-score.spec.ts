import type { Locator } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoTest, EXAM_CODE, expect, openFormationResults, workstationFile } from './fixtures';

// One word, one meaning (issue 14, item 6): the interview score of a candidate has one name and one number on the
// venue screen, the results page and the signed result sheet; "Nilai akhir" is the selection's final score only,
// and the results page, the sheet and the A4 print agree on it.


/** A demo workstation (`lentera demo`): the interviews of WWC-F01 are finalized and signed by the whole panel. */
const test = demoTest('one-score');

test.describe.configure({ timeout: 120_000 });

const SESSION = 'WWC-F01';
const SCORE_100 = 'Nilai wawancara (skala 0–100)';
const SCORE_SCALE = 'Nilai wawancara (skala 1–5)';
const FINAL = 'Nilai akhir';

/** The text of a table cell of a row, by the text of its column's header. */
async function cellUnder(table: Locator, row: Locator, header: string): Promise<string> {
  const heads = (await table.locator('thead th').allTextContents()).map((h) => h.trim());
  const index = heads.indexOf(header);
  expect(index, `a column "${header}" among ${heads.join(' | ')}`).toBeGreaterThanOrEqual(0);
  return ((await row.locator(':scope > th, :scope > td').nth(index).textContent()) ?? '').trim();
}

/** The value a line of the sheet's text gives a label: "Nilai akhir      82,022" → "82,022". */
function sheetValue(text: string, label: string): string {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const lines = text.split('\n').filter((l) => new RegExp(`^\\s*${escaped}\\s{2,}\\S`).test(l));
  expect(lines, `one line "${label}" on the sheet`).toHaveLength(1);
  return lines[0]!.trim().split(/\s{2,}/).at(-1)!;
}


test('the interview score has one name and one number on the venue screen, the results page and the signed sheet; the final score agrees with the print', async ({ page, demo }) => {
  // --- The venue screen, as the public sees it: the first candidate it lists.
  await page.goto(`/#/layar?exam=${EXAM_CODE}&session=${SESSION}`);
  const board = page.getByTestId('display-table');
  const first = board.locator('tbody tr').first();
  await expect(first).toBeVisible();
  const nomor = ((await first.getAttribute('data-testid')) ?? '').replace(/^display-row-/, '');
  expect(nomor).toMatch(/^\d{8,}$/);
  const onScreen = { score: await cellUnder(board, first, SCORE_100), scale: await cellUnder(board, first, SCORE_SCALE) };
  expect(onScreen.score).toMatch(/^\d{1,3},\d{3}$/);
  expect(onScreen.scale).toMatch(/^\d,\d{3}$/);
  // The two are one score: the 1–5 mean ÷ 5 × 100, each rounded once from the exact value.
  expect(Math.abs(Number(onScreen.scale.replace(',', '.')) * 20 - Number(onScreen.score.replace(',', '.')))).toBeLessThan(0.011);
  await expect(page.getByTestId('display-conversion')).toHaveText(/^Nilai wawancara \(skala 0–100\) = nilai skala 1–5 ÷ 5 × 100/);
  // The screen shows a stage score: never under the final score's name.
  await expect(page.locator('body')).not.toContainText(FINAL);

  // --- The results page: the candidate's row in their formation.
  const ranking = JSON.parse(await demo.cli(['rank', '--exam', EXAM_CODE, '--json'])) as { results: { nomor_peserta: string; kode_formasi: string; final: string | null }[] };
  const ranked = ranking.results.find((r) => r.nomor_peserta === nomor)!;
  expect(ranked.final).not.toBeNull();
  const table = await openFormationResults(page, demo.pin, ranked.kode_formasi);
  const row = table.getByTestId(`result-${nomor}`);
  await expect(row).toBeVisible();
  expect(await cellUnder(table, row, SCORE_100)).toBe(onScreen.score);
  const final = await cellUnder(table, row, FINAL);
  expect(final).toBe(ranked.final!.replace('.', ','));
  // "Nilai akhir" heads one column only.
  expect((await table.locator('thead th').allTextContents()).filter((h) => h.includes(FINAL))).toEqual([FINAL]);

  // In English the same column and number, with a decimal point.
  await page.getByRole('button', { name: 'EN' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Results & Ranking');
  expect(await cellUnder(table, row, 'Interview score (0–100 scale)')).toBe(onScreen.score.replace(',', '.'));
  expect(await cellUnder(table, row, 'Final score')).toBe(ranked.final);
  await page.getByRole('button', { name: 'ID' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hasil & Peringkat');

  // --- The A4 print of the ranking: the same final score and interview score on the candidate's line.
  const [printed] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Cetak peringkat (A4)' }).click()]);
  const print = execFileSync('pdftotext', ['-layout', (await printed.path())!, '-'], { encoding: 'utf8' });
  const line = print.split('\n').find((l) => l.includes(nomor));
  expect(line, `the print lists ${nomor}`).toBeDefined();
  expect(line!.split(/\s+/)).toEqual(expect.arrayContaining([onScreen.score, final]));

  // --- The signed result sheet of the candidate, made as the coordinator makes it.
  const secrets = mkdtempSync(join(tmpdir(), 'lentera-e2e-pass-'));
  const out = join(demo.dataDir, 'sheets', EXAM_CODE);
  try {
    writeFileSync(join(secrets, 'pass'), `${demo.passphrase}\n`);
    await demo.cli(['sheets', '--exam', EXAM_CODE, '--session', SESSION, '--candidate', nomor, '--out', out, '--passphrase-file', join(secrets, 'pass')]);
  } finally {
    rmSync(secrets, { recursive: true, force: true });
  }
  expect(readdirSync(out)).toContain(`hasil-${nomor}.pdf`);
  // Kept sealed in the workstation's folder (its data is encrypted): the PDF itself, opened with its data key.
  const sheet = execFileSync('pdftotext', ['-layout', '-', '-'], { input: workstationFile(demo.dataDir, join(out, `hasil-${nomor}.pdf`)), encoding: 'utf8' });
  expect(sheetValue(sheet, SCORE_100)).toBe(onScreen.score);
  expect(sheetValue(sheet, SCORE_SCALE)).toBe(onScreen.scale);
  expect(sheetValue(sheet, FINAL)).toBe(final);
  // "Nilai akhir" on the sheet is the final score's line and nothing else.
  expect(sheet.match(/Nilai akhir/g)).toHaveLength(1);
});
