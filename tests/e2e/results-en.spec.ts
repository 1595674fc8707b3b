import { demoTest, EXAM_CODE, expect, openFormationResults } from './fixtures';


interface Reason {
  code: string;
  params: Record<string, unknown>;
}

interface Ranking {
  formations: { code: string; quota: number }[];
  results: { nomor_peserta: string; kode_formasi: string; rank: number | null; status: string; reason: string; provisional?: true; provisional_reason?: string }[];
  /** the engine's reasons as data, by registration number */
  reasons: Record<string, { status: Reason[]; provisional: Reason[] }>;
}

/** A demo workstation: F02 has a provisional P/L (BL candidates still missing SKB), TL rows, BL rows; F01 is complete. */
const test = demoTest('results-en');

test.describe.configure({ timeout: 90_000 });

/** Words of the engine's Indonesian sentences that an English reader must never meet in a status or a reason. */
const INDONESIAN = /\b(peringkat|kebutuhan|nilai|belum|lengkap|tidak|hadir|peserta|formasi|dan|luar|optimalisasi|menunggu|sementara|lulus)\b/i;


test('in English every status and reason of the demo reads in English, from the engine codes; in Bahasa Indonesia as signed', async ({ page, demo }) => {
  const expected = JSON.parse(await demo.cli(['rank', '--exam', EXAM_CODE, '--json'])) as Ranking;
  // F02 is half finalized: a P/L that its BL candidates could still overtake, TL rows outside the SKB seats, BL rows.
  const f02 = expected.results.filter((r) => r.kode_formasi === 'F02');
  const quota = expected.formations.find((f) => f.code === 'F02')!.quota;
  const first = f02.find((r) => r.status === 'P/L' && r.provisional)!;
  const capped = f02.find((r) => expected.reasons[r.nomor_peserta]!.status[0]!.code === 'outsideSkbCap')!;
  const cap = expected.reasons[capped.nomor_peserta]!.status[0]!.params as { rank: number; cap: number; quota: number; seats: number };
  const bl = f02.find((r) => r.status === 'BL' && expected.reasons[r.nomor_peserta]!.status[0]!.code === 'skbIncomplete')!;
  const waits = expected.reasons[first.nomor_peserta]!.provisional[0]!;
  expect(waits.code).toBe('waitsCandidates');
  const waitList = (waits.params.list as { items: string[]; more: number }).items;

  await openFormationResults(page, demo.pin, 'F02');
  await page.getByRole('button', { name: 'EN' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Results & Ranking');
  const table = page.getByTestId('results-table');
  const top = table.getByTestId(`result-${first.nomor_peserta}`);
  await expect(top.getByTestId('result-reason')).toHaveText(`rank ${first.rank} within a quota of ${quota}`);
  const listed = waitList.length > 1 ? `${waitList.slice(0, -1).join(', ')} and ${waitList.at(-1)!}` : waitList.join('');
  await expect(top.getByTestId('provisional-reason')).toHaveText(`Provisional: results of formation F02 are incomplete (BL): ${listed}`);
  await expect(table.getByTestId(`result-${capped.nomor_peserta}`).getByTestId('result-reason')).toHaveText(
    `SKD rank ${cap.rank}, outside the ${cap.cap} × ${cap.quota} = ${cap.seats} SKB places`,
  );
  await expect(table.getByTestId(`result-${bl.nomor_peserta}`).getByTestId('result-reason')).toHaveText('SKB scores incomplete');
  await expect(table.getByTestId(`result-${bl.nomor_peserta}`).getByTestId('status-chip')).toHaveText('BL Incomplete');

  // No Indonesian word in any status or reason of the formation's table.
  await expect(table.locator('tbody tr.result-row')).toHaveCount(f02.length);
  for (const text of [
    ...(await table.getByTestId('result-reason').allTextContents()),
    ...(await table.getByTestId('provisional-reason').allTextContents()),
    ...(await table.getByTestId('status-chip').allTextContents()),
  ]) {
    expect(text, 'a status or reason in English').not.toMatch(INDONESIAN);
  }

  // Back in Bahasa Indonesia: the very sentence the signed sheet and the export print.
  await page.getByRole('button', { name: 'ID' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hasil & Peringkat');
  await expect(top.getByTestId('result-reason')).toHaveText(first.reason);
  await expect(top.getByTestId('provisional-reason')).toHaveText(`Sementara: ${first.provisional_reason!}`);
  await expect(table.getByTestId(`result-${capped.nomor_peserta}`).getByTestId('result-reason')).toHaveText(capped.reason);
  await expect(table.getByTestId(`result-${bl.nomor_peserta}`).getByTestId('result-reason')).toHaveText('nilai SKB belum lengkap');
});

test('the ranking comes before the closed legend, and a search narrows it to one candidate or says nothing matches', async ({ page, demo }) => {
  const expected = JSON.parse(await demo.cli(['rank', '--exam', EXAM_CODE, '--json'])) as Ranking;
  const f01 = expected.results.filter((r) => r.kode_formasi === 'F01');
  const target = f01.find((r) => r.rank === 2)!;

  await openFormationResults(page, demo.pin, 'F01');
  const table = page.getByTestId('results-table');
  await expect(table).toBeVisible();

  // The ranking is above the legend, and the legend stays closed until asked for.
  const legend = page.getByTestId('status-legend');
  await expect(legend).toBeHidden();
  const tableBox = (await table.boundingBox())!;
  const legendBox = (await page.getByTestId('legend-details').boundingBox())!;
  expect(tableBox.y + tableBox.height).toBeLessThanOrEqual(legendBox.y);
  await page.getByText('Arti kode status').click();
  await expect(legend).toBeVisible();
  await expect(legend).toContainText('Lulus: masuk peringkat dalam kebutuhan formasi');

  // By number: only that candidate is left, and the count says so.
  const search = page.getByRole('searchbox', { name: 'Cari peserta' });
  const row = table.getByTestId(`result-${target.nomor_peserta}`);
  const name = (await row.locator('.cell-name').textContent())!.trim();
  expect(name).not.toBe('');
  await search.fill(target.nomor_peserta);
  await expect(table.locator('tbody tr.result-row')).toHaveCount(1);
  await expect(row).toBeVisible();
  await expect(page.getByTestId('results-search-count')).toHaveText(`1 dari ${f01.length} peserta cocok dengan “${target.nomor_peserta}”.`);

  // By name, in other letters' case: the same candidate is among those found.
  // (The count names the search answered: until then the rows are the number search's, the same candidate alone.)
  await search.fill(name.toUpperCase());
  await expect(page.getByTestId('results-search-count')).toContainText(`cocok dengan “${name.toUpperCase()}”`);
  await expect(row).toBeVisible();
  for (const nomor of await table.locator('tbody tr.result-row th').allTextContents()) {
    expect(f01.some((r) => r.nomor_peserta === nomor)).toBe(true);
  }
  for (const found of await table.locator('tbody tr.result-row .cell-name').allTextContents()) {
    expect(found.toLowerCase()).toContain(name.toLowerCase());
  }

  // Nothing matches: no table, a sentence that says so; Escape brings the whole ranking back.
  await search.fill('tidak-ada-xyz');
  await expect(page.getByTestId('results-search-empty')).toContainText('Tidak ada peserta yang cocok dengan “tidak-ada-xyz”');
  await expect(table).toHaveCount(0);
  await search.press('Escape');
  await expect(search).toHaveValue('');
  await expect(page.getByTestId('results-search-empty')).toHaveCount(0);
  await expect(page.getByTestId('results-table').locator('tbody tr.result-row')).toHaveCount(f01.length);
});
