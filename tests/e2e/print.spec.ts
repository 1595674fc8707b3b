import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ADMIN, EXAM_CODE, EXAMPLE_PACKAGE, expect, importExamplePackage, openFormationResults, sidebar, test } from './fixtures';

interface Pkg {
  sessions: { code: string; candidates: string[] }[];
  stages: { code: string; rubric?: { criteria: { label: string }[] } }[];
}

const pkg = JSON.parse(readFileSync(EXAMPLE_PACKAGE, 'utf8')) as Pkg;
const SESSION = 'WWC-F01';

/** The text of a downloaded PDF, page by page, as a printer driver would see it. */
function pdfPages(file: string): string[] {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).split('\f').slice(0, -1);
}

test('the coordinator prints a formation ranking for A4 and blank scoring forms for an interview session', async ({ page, lentera }) => {
  await importExamplePackage(lentera);
  await openFormationResults(page, ADMIN.pin, 'F01');
  const printRanking = page.getByRole('button', { name: 'Cetak peringkat (A4)' });
  const [ranking] = await Promise.all([page.waitForEvent('download'), printRanking.click()]);
  expect(ranking.suggestedFilename()).toBe(`peringkat-${EXAM_CODE}-F01.pdf`);
  await expect(page.getByTestId('print-ranking')).toContainText(`peringkat-${EXAM_CODE}-F01.pdf sudah diunduh`);
  const rankingPages = pdfPages((await ranking.path())!);
  expect(rankingPages.length).toBeGreaterThan(0);
  expect(rankingPages[0]).toContain('PERINGKAT FORMASI F01');
  rankingPages.forEach((p, i) => {
    expect(p).toMatch(/Kepala rantai audit saat dicetak: #\d+ [0-9a-f]{64}/);
    expect(p).toMatch(/sha256 [0-9a-f]{64}/);
    expect(p).toContain(`Halaman ${i + 1} dari ${rankingPages.length}`);
  });
  // The ruleset hash on paper is the one the page shows.
  expect(rankingPages[0]).toContain(`sha256 ${await page.getByTestId('ruleset-sha256').textContent()}`);

  await sidebar(page).getByRole('link', { name: 'Penilaian' }).click();
  await page.getByLabel('Tahap', { exact: true }).selectOption('SKB-WWC');
  await page.getByLabel('Sesi', { exact: true }).selectOption(SESSION);
  const [forms] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Cetak formulir penilaian' }).click()]);
  expect(forms.suggestedFilename()).toBe(`formulir-penilaian-${EXAM_CODE}-${SESSION}.pdf`);
  await expect(page.getByTestId('print-scoring-forms')).toContainText('sudah diunduh');
  const formPages = pdfPages((await forms.path())!);
  const listed = pkg.sessions.find((s) => s.code === SESSION)!.candidates;
  expect(formPages.length).toBe(listed.length);
  const criteria = pkg.stages.find((s) => s.code === 'SKB-WWC')!.rubric!.criteria;
  for (const [i, p] of formPages.entries()) {
    expect(p).toContain('FORMULIR PENILAIAN WAWANCARA');
    expect(p).toContain([...listed].sort()[i]!);
    for (const c of criteria) expect(p).toContain(c.label);
  }
});

test('a print that fails says why next to its button, and nothing is downloaded', async ({ page, lentera }) => {
  await importExamplePackage(lentera);
  await openFormationResults(page, ADMIN.pin, 'F01');
  // The formation went away between the choice and the click (another coordinator re-imported the package).
  await page.route('**/api/print.ranking', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ok: false, error: { code: 'NOT_FOUND', message: 'No formation F01.', details: { formation: 'F01' } } }) }),
  );
  let downloaded = false;
  page.on('download', () => {
    downloaded = true;
  });
  const button = page.getByRole('button', { name: 'Cetak peringkat (A4)' });
  // What follows the button stays where it was when the answer appears (its line is always there).
  const below = page.getByRole('heading', { level: 2, name: 'Unduh hasil' });
  await button.scrollIntoViewIfNeeded();
  const before = await below.boundingBox();
  await button.click();
  await expect(page.getByTestId('print-ranking').getByRole('alert')).toHaveText('Formasi atau sesi ini tidak ada pada ujian ini. Muat ulang halaman lalu pilih lagi.');
  expect(await below.boundingBox()).toEqual(before);
  await expect(button).toBeEnabled();
  expect(downloaded).toBe(false);
});
