import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { ADMIN, EXAMPLE_PACKAGE, EXAMPLES, expect, login, rosterLine, sidebar, test, type Lentera } from './fixtures';

interface ExamPackage {
  formations: unknown[];
  stages: unknown[];
  venues: unknown[];
  sessions: unknown[];
  roster: unknown[];
}

test('the coordinator imports the exam package and the rosters through the screen', async ({ page }) => {
  const pkg = JSON.parse(readFileSync(EXAMPLE_PACKAGE, 'utf8')) as ExamPackage;
  await page.goto('/');
  await login(page, ADMIN.name, ADMIN.pin);
  await sidebar(page).getByRole('link', { name: 'Ujian & Peserta' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ujian & Peserta');
  await expect(page.getByRole('heading', { name: 'Belum ada ujian di stasiun kerja ini' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Impor daftar peserta' })).toBeDisabled();

  // The package: uploaded, checked, shown, and only then imported.
  await page.getByRole('button', { name: 'Impor paket ujian' }).click();
  await page.getByLabel('Berkas paket ujian (.json)').setInputFiles(EXAMPLE_PACKAGE);
  await expect(page.getByTestId('package-status')).toHaveText('Ujian baru');
  const preview = page.getByTestId('package-preview');
  await expect(preview).toContainText('Seleksi CPNS Pemerintah Kota Semarang Tahun Anggaran 2026');
  await expect(preview).toContainText('Pemerintah Kota Semarang');
  for (const key of ['formations', 'stages', 'venues', 'sessions', 'roster'] as const) {
    await expect(page.getByTestId(`package-count-${key}`)).toHaveText(String(pkg[key].length));
  }
  expect(pkg.formations).toHaveLength(6);
  expect(pkg.roster).toHaveLength(300);
  await expect(page.getByText('masalah dalam paket')).toHaveCount(0);
  await page.getByRole('button', { name: 'Impor', exact: true }).click();
  await expect(page.getByText('Paket ujian CPNS-SMG-2026 sudah diimpor.')).toBeVisible();

  const exam = page.getByTestId('exam-list').getByRole('row', { name: /CPNS-SMG-2026/ });
  await expect(exam.getByRole('cell')).toHaveText([
    'Seleksi CPNS Pemerintah Kota Semarang Tahun Anggaran 2026',
    'Pemerintah Kota Semarang',
    '2026',
    '6',
    String(pkg.sessions.length),
    '300',
    /\d{4}, \d{2}\.\d{2}\.\d{2} WIB$/,
  ]);
  await expect(page.getByTestId('candidate-total')).toHaveText('300 peserta');

  // A roster with seven bad rows: every one is shown, "Impor semua" is refused, the report can be downloaded.
  await page.getByRole('button', { name: 'Impor daftar peserta' }).click();
  await page.getByLabel('Berkas daftar peserta (CSV atau XLSX)').setInputFiles(join(EXAMPLES, 'cpns-smg-2026.roster-salah.csv'));
  const rosterCounts = { rows: '8', inserts: '1', updates: '0', unchanged: '0', rejected: '7' };
  for (const [key, value] of Object.entries(rosterCounts)) await expect(page.getByTestId(`roster-count-${key}`)).toHaveText(value);
  const rejected = page.getByTestId('rejected-table').locator('tbody tr');
  await expect(rejected).toHaveCount(7);
  await expect(rejected.first().getByRole('cell')).toHaveText(['3', 'nik', 'NIK must be 16 digits (got 11 characters)', '263374000902', 'Bunga Citra']);
  await expect(rejected.nth(1).getByRole('cell')).toHaveText(['4', 'tanggal_lahir', '31/02/1996 is not a real date', '263374000903', 'Cahyo Nugroho']);
  await expect(rejected.last().getByRole('cell')).toHaveText(['9', 'nik', 'missing required value', '263374000908', 'Hana Pertiwi']);
  await expect(page.getByRole('button', { name: 'Impor semua' })).toBeDisabled();
  await expect(page.getByText('"Impor semua" tidak tersedia karena ada 7 masalah pada baris yang ditolak.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Impor yang valid saja' })).toBeEnabled();
  await expect(page.getByText('"Impor yang valid saja" mengimpor 1 baris yang valid')).toBeVisible();

  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Unduh laporan baris ditolak' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('cpns-smg-2026.roster-salah.csv.ditolak.csv');
  const report = readFileSync(await download.path(), 'utf8').split('\r\n');
  expect(report[0]).toBe('\uFEFFbaris;kolom;alasan;nomor_peserta;nik;nama;tanggal_lahir;jenis_kelamin;pendidikan;ipk;kode_formasi;kategori');
  expect(report[1]).toBe('3;nik;NIK must be 16 digits (got 11 characters);263374000902;33740112039;Bunga Citra;12/03/1995;P;S1 Akuntansi;3,20;F05;umum');
  expect(report).toHaveLength(7 + 2); // header, seven rows, and the empty string after the last line break

  // The valid row only: an upload serves one command, so the file checked above is sent again for the import.
  await page.getByRole('button', { name: 'Impor yang valid saja' }).click();
  await expect(page.getByText('Daftar peserta CPNS-SMG-2026 sudah diimpor: 1 baru, 0 diubah, 0 tidak berubah; 7 masalah dilewati (lihat laporan).')).toBeVisible();
  await expect(page.getByTestId('candidate-total')).toHaveText('301 peserta');

  // Thirty new candidates: all valid, imported, and found by the search.
  await page.getByRole('button', { name: 'Impor daftar peserta' }).click();
  await page.getByLabel('Berkas daftar peserta (CSV atau XLSX)').setInputFiles(join(EXAMPLES, 'cpns-smg-2026.roster-tambahan.csv'));
  await expect(page.getByTestId('roster-count-inserts')).toHaveText('30');
  await expect(page.getByTestId('roster-count-rejected')).toHaveText('0');
  await expect(page.getByTestId('roster-count-rows')).toHaveText('30');
  // the order of the file's dates, and the line that says so
  await expect(page.getByTestId('dates-notice')).toHaveText('Tanggal lahir dibaca hari dulu (HH/BB/TTTT): baris 2 berisi 17/11/1995.');
  await page.getByRole('button', { name: 'Impor semua' }).click();
  await expect(page.getByText('Daftar peserta CPNS-SMG-2026 sudah diimpor: 30 baru, 0 diubah, 0 tidak berubah.')).toBeVisible();
  await expect(page.getByTestId('candidate-total')).toHaveText('331 peserta');
  await expect(exam.getByRole('cell').nth(5)).toHaveText('331');

  const added = rosterLine('cpns-smg-2026.roster-tambahan.csv', '263374000301');
  await page.getByLabel('Cari nomor peserta atau nama').fill(added.nama);
  await expect(page.getByTestId('candidate-total')).toHaveText('1 peserta cocok');
  const row = page.getByRole('region', { name: 'Daftar peserta CPNS-SMG-2026' }).getByRole('row', { name: new RegExp(added.nomorPeserta) });
  // The coordinator sees the full NIK; the IPK keeps its decimal comma in Bahasa Indonesia.
  await expect(row.getByRole('cell')).toHaveText([
    added.nomorPeserta,
    added.nama,
    added.nik,
    '17/11/1995',
    'P',
    'S1 Akuntansi',
    added.ipk,
    added.kodeFormasi,
    'umum',
    'Belum hadir',
  ]);
  expect(added.ipk).toBe('3,88');
});

/** The exam page, as the coordinator, on a workstation holding the example package (imported with the CLI). */
async function openWithExample(page: Page, lentera: Lentera): Promise<void> {
  await lentera.cli(['exam', 'import', EXAMPLE_PACKAGE]);
  await page.goto('/');
  await login(page, ADMIN.name, ADMIN.pin);
  await sidebar(page).getByRole('link', { name: 'Ujian & Peserta' }).click();
}

test('the candidates table stays usable and fetches rows as it scrolls', async ({ page, lentera }) => {
  await openWithExample(page, lentera);
  await expect(page.getByTestId('candidate-total')).toHaveText('300 peserta');
  const region = page.getByRole('region', { name: 'Daftar peserta CPNS-SMG-2026' });
  // Only the rows near the view are in the page, not all 300.
  const rendered = await region.locator('tbody tr[data-index]').count();
  expect(rendered).toBeGreaterThan(5);
  expect(rendered).toBeLessThan(100);
  await expect(region.getByRole('row', { name: /263374000001/ })).toBeVisible();
  await region.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(region.getByRole('row', { name: /263374000300/ })).toBeVisible();
  await expect(region.getByRole('row', { name: /263374000001/ })).toHaveCount(0);

  // Filters: by formation, and by attendance (nobody has checked in yet).
  await page.getByLabel('Formasi').selectOption('F06');
  await expect(page.getByTestId('candidate-total')).toHaveText(/^\d+ peserta cocok$/);
  const f06 = Number((await page.getByTestId('candidate-total').textContent())!.split(' ')[0]);
  expect(f06).toBeGreaterThan(0);
  expect(f06).toBeLessThan(300);
  await expect(region.locator('tbody tr[data-index]').first().getByRole('cell').nth(7)).toHaveText('F06');
  await page.getByLabel('Formasi').selectOption('');
  await page.getByLabel('Kehadiran').selectOption('present');
  await expect(page.getByTestId('candidate-total')).toHaveText('0 peserta cocok');
  await expect(region.getByText('Tidak ada peserta yang cocok.')).toBeVisible();
});

test('a roster of 600 bad rows: the table shows the first 500 and says so, the report holds all 600', async ({ page, lentera }) => {
  await openWithExample(page, lentera);
  const header = 'nomor_peserta;nik;nama;tanggal_lahir;jenis_kelamin;pendidikan;ipk;kode_formasi;kategori';
  // Each NIK one digit short.
  const lines = Array.from({ length: 600 }, (_, i) => `26337401${String(i + 1).padStart(4, '0')};337401120395000;Peserta ${i + 1};1995-03-12;L;S1 Hukum;3,10;F01;umum`);
  await page.getByRole('button', { name: 'Impor daftar peserta' }).click();
  await page.getByLabel('Berkas daftar peserta (CSV atau XLSX)').setInputFiles({ name: 'banyak-salah.csv', mimeType: 'text/csv', buffer: Buffer.from(`${header}\n${lines.join('\n')}\n`) });
  await expect(page.getByTestId('roster-count-rejected')).toHaveText('600');
  const table = page.getByTestId('rejected-table');
  await expect(table.locator('caption')).toContainText('(ditampilkan 500 pertama)');
  await expect(table.locator('tbody tr')).toHaveCount(500);
  await expect(table.getByRole('columnheader')).toHaveText(['Baris', 'Kolom', 'Alasan', 'Nomor peserta', 'Nama']);
  await expect(table.locator('tbody tr').last().getByRole('cell')).toHaveText(['501', 'nik', /NIK must be 16 digits/, '263374010500', 'Peserta 500']);

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Unduh laporan baris ditolak' }).click();
  const report = readFileSync(await (await download).path(), 'utf8').trim().split(/\r?\n/);
  expect(report).toHaveLength(601);
  expect(report.at(-1)).toContain('263374010600');
});

test('an import says what it is doing (sent, checked, sent again), and a failed import returns to its preview to be tried again', async ({ page, lentera }) => {
  await openWithExample(page, lentera);
  const name = 'cpns-smg-2026.roster-salah.csv';
  const file = page.getByLabel('Berkas daftar peserta (CSV atau XLSX)');

  // The dry run held: the page says it is checking, and no other file can be chosen meanwhile.
  let checked!: () => void;
  const checking = new Promise<void>((resolve) => (checked = resolve));
  await page.route('**/api/roster.preview', async (route) => {
    await checking;
    await route.continue();
  });
  await page.getByRole('button', { name: 'Impor daftar peserta' }).click();
  await file.setInputFiles(join(EXAMPLES, name));
  await expect(page.getByRole('status').filter({ hasText: `Memeriksa ${name}…` })).toBeVisible();
  await expect(file).toBeDisabled();
  checked();
  await expect(page.getByTestId('roster-count-rejected')).toHaveText('7');
  await expect(page.getByRole('status').filter({ hasText: 'Memeriksa' })).toHaveCount(0);

  // Sent again to be imported: its upload held, the page shows it going; then the import itself is lost on the way.
  let sent!: () => void;
  const sending = new Promise<void>((resolve) => (sent = resolve));
  await page.route('**/api/files.upload', async (route) => {
    await sending;
    await route.continue();
  });
  let lose = true;
  await page.route('**/api/roster.import', (route) => (lose ? route.abort('connectionreset') : route.continue()));
  await page.getByRole('button', { name: 'Impor yang valid saja' }).click();
  await expect(page.getByRole('progressbar', { name: `Mengunggah ${name}…` })).toBeVisible();
  sent();
  await expect(page.getByRole('alert')).toHaveText('Stasiun kerja tidak dapat dihubungi (Failed to fetch).');
  // Back on the preview, nothing imported: the same buttons, the same counts.
  await expect(page.getByTestId('roster-count-rejected')).toHaveText('7');
  await expect(page.getByRole('button', { name: 'Impor yang valid saja' })).toBeEnabled();
  await expect(page.getByTestId('candidate-total')).toHaveText('300 peserta');

  lose = false;
  await page.getByRole('button', { name: 'Impor yang valid saja' }).click();
  await expect(page.getByText('Daftar peserta CPNS-SMG-2026 sudah diimpor: 1 baru, 0 diubah, 0 tidak berubah; 7 masalah dilewati (lihat laporan).')).toBeVisible();
  await expect(page.getByTestId('candidate-total')).toHaveText('301 peserta');
});
