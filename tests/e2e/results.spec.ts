import { readFileSync } from 'node:fs';
import { ADMIN, demoTest, EXAM_CODE, expect, importExamplePackage, login, sidebar, test as base, type CoordinatedDemo } from './fixtures';

type Demo = CoordinatedDemo;

interface Row {
  nomor_peserta: string;
  kode_formasi: string;
  final: string | null;
  final_exact: string | null;
  rank: number | null;
  status: string;
  reason: string;
  optimalisasi_ke?: string;
  provisional?: true;
  provisional_reason?: string;
}

interface Ranking {
  ruleset: { id: string; version: string; sha256: string };
  formations: { code: string; quota: number }[];
  results: Row[];
}

/**
 * A demo workstation (`lentera demo`): every formation has SKD results and its SKB seats from them; F01's interviews
 * are all finalized (its statuses final), F02's half (a P/L its BL candidates could still overtake is provisional,
 * SEMENTARA), F06's not begun, so F01's P/TL wait, provisionally, for F06 before optimalisasi could seat them.
 */
const test = demoTest('results');

// Each test builds a demo workstation (300 candidates, scores, interviews) before it starts.
test.describe.configure({ timeout: 90_000 });

async function ranking(demo: Demo): Promise<Ranking> {
  return JSON.parse(await demo.cli(['rank', '--exam', EXAM_CODE, '--json'])) as Ranking;
}

const comma = (s: string) => s.replace('.', ',');

test('the coordinator sees F02 ranked: a final P/L on top, a provisional one (SEMENTARA, never a final Lulus), the pass line, reasons, the ruleset hash, the chart and the CSV', async ({
  page,
  demo,
}) => {
  const expected = await ranking(demo);
  const f02 = expected.results.filter((r) => r.kode_formasi === 'F02');
  const quota = expected.formations.find((f) => f.code === 'F02')!.quota;
  const first = f02.find((r) => r.rank === 1)!;
  expect(first.status).toBe('P/L');
  expect(first.final).toMatch(/^\d+\.\d{3}$/);
  const passers = f02.filter((r) => r.status === 'P/L');
  expect(passers).toHaveLength(quota);
  // F02 still has BL candidates: the P/L they could overtake is provisional, the one none can reach is final.
  const bl = f02.filter((r) => r.status === 'BL');
  expect(bl.length).toBeGreaterThan(0);
  expect(first.provisional).toBeUndefined();
  const provisional = passers.find((r) => r.provisional)!;
  expect(provisional).toBeDefined();
  const lastPass = passers.find((r) => r.rank === quota)!;
  const capped = f02.find((r) => r.status === 'TL' && r.reason.includes('di luar'))!;
  const belowGrade = f02.find((r) => r.status === 'TL' && r.reason.includes('<'))!;
  // Nobody is seated by optimalisasi while F06 is incomplete: F01's P/TL wait, provisionally.
  expect(expected.results.filter((r) => r.status.startsWith('P/L-'))).toEqual([]);
  const provisionalCount = expected.results.filter((r) => r.provisional && (r.kode_formasi === 'F02' || r.optimalisasi_ke === 'F02')).length;

  await page.goto('/');
  await login(page, 'koordinator', demo.pin);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Selamat datang, /);
  await sidebar(page).getByRole('link', { name: 'Hasil & Peringkat' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hasil & Peringkat');
  await page.getByLabel('Formasi', { exact: true }).selectOption('F02');
  await expect(page.getByRole('heading', { level: 2, name: /^Formasi F02 — / })).toBeVisible();

  // The formation says its results are provisional, and how many statuses can still change.
  await expect(page.getByTestId('provisional-notice')).toHaveText(new RegExp(`^Hasil formasi ini masih SEMENTARA: ${provisionalCount} status dapat berubah`));

  // Rank 1: a final P/L, with the final score in a decimal comma and three decimals.
  const table = page.getByTestId('results-table');
  const top = table.locator('tbody tr').first();
  await expect(top.getByTestId('result-rank')).toHaveText('1');
  await expect(top.getByRole('rowheader')).toHaveText(first.nomor_peserta);
  await expect(top.getByTestId('status-chip')).toHaveText('P/L Lulus');
  await expect(top.getByTestId('provisional-reason')).toHaveCount(0);
  await expect(top.locator('.cell-final')).toHaveText(comma(first.final!));
  await expect(top.locator('.cell-final')).toHaveText(/^\d+,\d{3}$/);
  await expect(top.getByTestId('result-reason')).toHaveText(`peringkat 1 dari kebutuhan ${quota}`);
  // The provisional P/L: SEMENTARA, no "Lulus", and the BL candidates it waits for.
  const marked = table.getByTestId(`result-${provisional.nomor_peserta}`);
  await expect(marked.getByTestId('status-chip')).toHaveText('P/L SEMENTARA dalam kebutuhan, belum final');
  await expect(marked.getByTestId('status-chip')).not.toContainText('Lulus');
  await expect(marked.getByTestId('status-chip')).toHaveClass(/chip-provisional/);
  await expect(marked.getByTestId('provisional-reason')).toHaveText(`Sementara: ${provisional.provisional_reason!}`);
  await expect(marked.getByTestId('provisional-reason')).toContainText(bl[0]!.nomor_peserta);

  // The pass line, provisional too, comes right after the last P/L within the quota, before the next rank.
  const passLine = table.getByTestId('pass-line');
  await expect(passLine).toHaveCount(1);
  await expect(passLine).toHaveText(`Batas kelulusan sementara: kebutuhan ${quota}`);
  await expect(passLine.locator('xpath=preceding-sibling::tr[1]').getByTestId('result-rank')).toHaveText(String(quota));
  await expect(passLine.locator('xpath=preceding-sibling::tr[1]').getByRole('rowheader')).toHaveText(lastPass.nomor_peserta);
  await expect(passLine.locator('xpath=following-sibling::tr[1]').getByTestId('result-rank')).toHaveText(String(quota + 1));

  // TL rows are final and say why, in words: under a passing grade, or outside the SKB seats.
  const cappedRow = table.getByTestId(`result-${capped.nomor_peserta}`);
  await expect(cappedRow.getByTestId('status-chip')).toHaveText('TL Tidak lulus');
  await expect(cappedRow.getByTestId('status-chip')).toHaveClass(/chip-fail/);
  await expect(cappedRow.getByTestId('provisional-reason')).toHaveCount(0);
  await expect(cappedRow.getByTestId('result-reason')).toHaveText(capped.reason);
  await expect(cappedRow.getByTestId('result-reason')).toContainText('di luar');
  const belowRow = table.getByTestId(`result-${belowGrade.nomor_peserta}`);
  await expect(belowRow.getByTestId('result-reason')).toHaveText(belowGrade.reason);
  await expect(belowRow.getByTestId('result-reason')).toContainText('<');

  // The ruleset and its full sha256: the one the CLI computes from the same file.
  const ruleset = page.getByTestId('ruleset');
  await expect(ruleset.getByTestId('ruleset-id')).toHaveText(expected.ruleset.id);
  await expect(ruleset).toContainText(`versi ${expected.ruleset.version}`);
  await expect(ruleset.getByTestId('ruleset-sha256-short')).toHaveAttribute('title', new RegExp(expected.ruleset.sha256));
  // Copying the hash either works or selects the full hash for Ctrl+C (the desktop grants no clipboard permission).
  await ruleset.getByRole('button', { name: 'Salin hash' }).click();
  await expect(ruleset.getByRole('status')).toHaveText(/^(Hash aturan sudah disalin\.|Tidak dapat menyalin otomatis\. .*)$/);
  if (!(await ruleset.getByTestId('ruleset-sha256').isVisible())) await ruleset.getByText('Tampilkan hash lengkap').click();
  await expect(ruleset.getByTestId('ruleset-sha256')).toBeVisible();
  await expect(ruleset.getByTestId('ruleset-sha256')).toHaveText(expected.ruleset.sha256);
  // The legend explains each code of the ruleset, and SEMENTARA.
  const legend = page.getByTestId('status-legend');
  await expect(legend).toContainText('Lulus: masuk peringkat dalam kebutuhan formasi');
  await expect(legend.getByTestId('status-chip').filter({ hasText: 'P/TH' })).toHaveClass(/chip-absent/);
  await expect(legend.getByTestId('legend-provisional')).toContainText('SEMENTARA');
  await expect(legend.getByTestId('legend-provisional')).toContainText('Bukan kelulusan akhir.');

  // The chart: an image whose label counts the finals and names the (provisional) pass mark.
  const withFinal = f02.filter((r) => r.final !== null).length;
  const chart = page.getByTestId('results-chart');
  await expect(chart).toHaveAttribute('role', 'img');
  await expect(chart).toHaveAttribute('aria-label', new RegExp(`^Histogram nilai akhir formasi F02: ${withFinal} peserta\\. `));
  await expect(chart).toHaveAttribute('aria-label', new RegExp(`Batas kelulusan sementara ${comma(lastPass.final!)}$`));
  await expect(chart.locator('rect.hist-bar')).not.toHaveCount(0);
  await expect(page.getByTestId('results-chart-pass')).toHaveCount(1);

  // The CSV of the formation for an Indonesian spreadsheet, made by the registry: semicolons and decimal commas, the
  // ruleset and its hash at the top, and whether each status is provisional and why.
  const [excel] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Unduh CSV untuk Excel (Indonesia)' }).click()]);
  expect(excel.suggestedFilename()).toBe(`hasil-${EXAM_CODE}-F02-excel.csv`);
  const text = readFileSync(await excel.path(), 'utf8');
  expect(text).toContain('kode_formasi;rank;nomor_peserta');
  expect(text).toContain(';reason;provisional;provisional_reason');
  expect(text).toContain(`sha256 ${expected.ruleset.sha256}`);
  expect(text).toContain(`F02;1;${first.nomor_peserta};`);
  expect(text).toContain(`;${comma(first.final!)};`);
  expect(text).toContain(`;P/L;;peringkat 1 dari kebutuhan ${quota};;`);
  expect(text).toContain(`;P/L;;peringkat ${provisional.rank} dari kebutuhan ${quota};true;nilai peserta formasi F02 belum lengkap (BL): `);
  await expect(page.getByRole('status').filter({ hasText: 'sudah diunduh' })).toHaveText(`hasil-${EXAM_CODE}-F02-excel.csv sudah diunduh.`);

  // The exact CSV, for programs: commas, decimal points, the exact fraction.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Unduh CSV tepat (untuk program)' }).click()]);
  expect(csv.suggestedFilename()).toBe(`hasil-${EXAM_CODE}-F02.csv`);
  const exact = readFileSync(await csv.path(), 'utf8');
  expect(exact).toContain('kode_formasi,rank,nomor_peserta');
  expect(exact).toContain(`F02,1,${first.nomor_peserta},`);
  expect(exact).toContain(`,${first.final},${first.final_exact},P/L,`);

  // XLSX of the whole exam.
  await page.getByRole('radio', { name: /^Seluruh ujian/ }).check();
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Unduh XLSX' }).click()]);
  expect(xlsx.suggestedFilename()).toBe(`hasil-${EXAM_CODE}.xlsx`);
  expect(readFileSync(await xlsx.path()).subarray(0, 2).toString('latin1')).toBe('PK');
});

test('F06 takes nobody by optimalisasi while it is incomplete: F01 is complete, but its P/TL wait, and the page reads PROVISIONAL in English', async ({ page, demo }) => {
  const expected = await ranking(demo);
  const f06 = expected.results.filter((r) => r.kode_formasi === 'F06');
  expect(f06.some((r) => r.status === 'BL')).toBe(true);
  expect(expected.results.filter((r) => r.optimalisasi_ke === 'F06')).toEqual([]);
  const f01 = expected.results.filter((r) => r.kode_formasi === 'F01');
  const first = f01.find((r) => r.rank === 1)!;
  expect(first.provisional).toBeUndefined();
  const waiting = f01.find((r) => r.status === 'P/TL')!;
  expect(waiting.provisional).toBe(true);
  const quota = expected.formations.find((f) => f.code === 'F01')!.quota;

  await page.goto('/');
  await login(page, 'koordinator', demo.pin);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Selamat datang, /);
  await page.goto('/#/results');
  await page.getByLabel('Formasi', { exact: true }).selectOption('F06');
  await expect(page.getByRole('heading', { level: 2, name: /^Formasi F06 — / })).toBeVisible();
  // No seat of F06 is filled from F01 yet: no optimalisasi section, and F06's own BL candidates are listed as such.
  await expect(page.getByTestId('results-table')).toBeVisible();
  await expect(page.getByTestId('optimalisasi')).toHaveCount(0);
  const blRow = page.getByTestId(`result-${f06.find((r) => r.status === 'BL')!.nomor_peserta}`);
  await expect(blRow.getByTestId('status-chip')).toHaveText('BL Belum lengkap');

  await page.getByLabel('Formasi', { exact: true }).selectOption('F01');
  await page.getByRole('button', { name: 'EN' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Results & Ranking');
  const table = page.getByTestId('results-table');
  const top = table.locator('tbody tr').first();
  // F01 is complete: its P/L are final, in English too.
  await expect(top.getByTestId('status-chip')).toHaveText('P/L Passed');
  await expect(top.locator('.cell-final')).toHaveText(first.final!);
  await expect(top.getByTestId('provisional-reason')).toHaveCount(0);
  await expect(page.getByTestId('pass-line')).toHaveText(`Pass line: quota ${quota}`);
  // Its best P/TL waits for F06, provisionally: optimalisasi could still seat it.
  const waitingRow = table.getByTestId(`result-${waiting.nomor_peserta}`);
  await expect(waitingRow.getByTestId('status-chip')).toHaveText('P/TL PROVISIONAL outside the quota, not final');
  await expect(waitingRow.getByTestId('status-chip')).not.toContainText('Passed');
  await expect(waitingRow.getByTestId('provisional-reason')).toHaveText(/^Provisional: .*F06/);
  await expect(page.getByTestId('provisional-notice')).toContainText('The results of this formation are still PROVISIONAL');
  await expect(table.getByTestId('result-reason').filter({ hasText: 'outside the 3 × 3 = 9 SKB places' }).first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Download CSV' })).toBeVisible();
});

base('before any score, a formation says what to do next instead of an empty table', async ({ page, lentera }) => {
  await importExamplePackage(lentera);
  await page.goto('/');
  await login(page, ADMIN.name, ADMIN.pin);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Selamat datang, /);
  await sidebar(page).getByRole('link', { name: 'Hasil & Peringkat' }).click();
  const empty = page.getByRole('region', { name: 'Belum ada hasil untuk formasi F01' });
  await expect(empty).toBeVisible();
  await expect(empty).toContainText('Impor nilai SKD (hasil CAT) di Penilaian.');
  await expect(empty.getByRole('link', { name: 'Buka Penilaian' })).toHaveAttribute('href', '#/scoring');
  await expect(page.getByTestId('results-table')).toHaveCount(0);
  await expect(page.getByTestId('results-chart')).toHaveCount(0);
  await expect(page.getByTestId('ruleset-id')).toHaveText('cpns-2024');
});
