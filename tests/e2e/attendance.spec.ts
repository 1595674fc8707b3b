import { ADMIN, EXAM_CODE, expect, importExamplePackage, login, loginFirstTime, rosterLine, sidebar, test } from './fixtures';

const CLERK = { name: 'petugas', role: 'clerk' as const, pin: '735162', displayName: 'Andi Firmansyah' };
const ROSTER = 'cpns-smg-2026.roster.csv';

test.use({ users: [CLERK] });

test('a clerk checks a candidate in by number, and is told about a wrong session and a second scan', async ({ page, lentera }) => {
  await importExamplePackage(lentera);
  await page.goto('/');
  await loginFirstTime(page, CLERK.name, CLERK.pin, '591736');
  await sidebar(page).getByRole('link', { name: 'Kehadiran' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Kehadiran');
  await expect(page.getByLabel('Ujian')).toHaveValue(EXAM_CODE);
  await page.getByLabel('Sesi', { exact: true }).selectOption('SKD-1');
  await expect(page.getByTestId('session-facts')).toContainText('Ruang CAT 1');
  await expect(page.getByTestId('session-facts')).toContainText('Senin, 30 November 2026, 08.00 WIB');
  await expect(page.getByTestId('session-state')).toHaveText('dibuka');

  // The scanner types the digits and Enter into the input that already has the focus.
  const input = page.getByLabel('Nomor peserta');
  await expect(input).toBeFocused();
  const first = rosterLine(ROSTER, '263374000001');
  await page.keyboard.type(first.nomorPeserta);
  await page.keyboard.press('Enter');
  const result = page.getByTestId('checkin-result');
  await expect(result).toHaveClass(/checkin-ok/);
  await expect(result).toContainText('Hadir');
  await expect(result).toContainText(first.nama);
  await expect(result).toContainText(`${first.kodeFormasi} — Auditor Ahli Pertama`);
  // A clerk sees the NIK masked: region and last two digits.
  await expect(result).toContainText(`${first.nik.slice(0, 6)}********${first.nik.slice(14)}`);
  await expect(result).not.toContainText(first.nik);
  await expect(result).toContainText(/\d{2}\.\d{2} WIB/);
  await expect(input).toHaveValue('');
  await expect(input).toBeFocused();
  const row = page.getByTestId(`attendance-row-${first.nomorPeserta}`);
  await expect(row).toContainText('Hadir');
  await expect(row).toContainText(CLERK.name);
  await expect(page.getByTestId('attendance-count-present')).toHaveText('1');
  await expect(page.getByTestId('attendance-count-pending')).toHaveText('99');

  // A candidate of another session: refused, with their own session.
  const other = rosterLine(ROSTER, '263374000150');
  await page.keyboard.type(other.nomorPeserta);
  await page.keyboard.press('Enter');
  await expect(result).toHaveClass(/checkin-error/);
  await expect(result).toContainText(`${other.nama} tidak terdaftar di sesi ini. Sesinya: SKD-2 (Ruang CAT 2, Senin, 30 November 2026, 10.00 WIB).`);
  await expect(input).toBeFocused();

  // The same card again: already checked in, when and by whom.
  const at = await row.getByRole('cell').nth(6).textContent();
  await page.keyboard.type(first.nomorPeserta);
  await page.keyboard.press('Enter');
  await expect(result).toHaveClass(/checkin-error/);
  await expect(result).toContainText(`${first.nama} sudah tercatat hadir pukul ${at} oleh ${CLERK.name}.`);
  await expect(page.getByTestId('attendance-count-present')).toHaveText('1');

  // A number nobody has.
  await input.fill('263374009999');
  await input.press('Enter');
  await expect(result).toContainText('Tidak ada peserta bernomor 263374009999 pada ujian ini.');

  // Undo needs a reason of five characters at least.
  await page.getByRole('button', { name: `Batalkan kehadiran ${first.nomorPeserta} ${first.nama}` }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(`Batalkan kehadiran ${first.nama} (${first.nomorPeserta})`);
  await expect(dialog.getByRole('button', { name: 'Kembali' })).toBeFocused();
  await dialog.getByLabel('Alasan pembatalan').fill('abc');
  await dialog.getByRole('button', { name: 'Ya, batalkan kehadiran' }).click();
  await expect(dialog.getByText('Tuliskan alasan, paling sedikit 5 karakter.')).toBeVisible();
  await dialog.getByLabel('Alasan pembatalan').fill('salah pindai kartu');
  await dialog.getByRole('button', { name: 'Ya, batalkan kehadiran' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByText(`Kehadiran ${first.nama} (${first.nomorPeserta}) sudah dibatalkan.`)).toBeVisible();
  await expect(row).toContainText('Belum hadir');
  await expect(page.getByTestId('attendance-count-present')).toHaveText('0');
  await expect(input).toBeFocused();

  // A clerk does not close sessions.
  await expect(page.getByRole('button', { name: 'Tutup sesi' })).toHaveCount(0);
});

test('the coordinator closes a session: everyone not checked in is TH, and the list prints', async ({ page, lentera }) => {
  await importExamplePackage(lentera);
  await page.goto('/');
  await login(page, ADMIN.name, ADMIN.pin);
  await sidebar(page).getByRole('link', { name: 'Kehadiran' }).click();
  await page.getByLabel('Sesi', { exact: true }).selectOption('SKD-1');
  const input = page.getByLabel('Nomor peserta');
  await expect(input).toBeFocused();
  await input.fill('263374000001');
  await input.press('Enter');
  await expect(page.getByTestId('checkin-result')).toContainText('Hadir');
  await expect(page.getByTestId('attendance-count-present')).toHaveText('1');

  await page.getByRole('button', { name: 'Tutup sesi' }).click();
  const dialog = page.getByRole('dialog', { name: 'Tutup sesi SKD-1?' });
  await expect(dialog).toContainText('Saat ini 1 peserta hadir. 99 peserta yang belum hadir akan dicatat TH (tidak hadir).');
  // The safe answer has the focus; cancelling changes nothing.
  await expect(dialog.getByRole('button', { name: 'Batal' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('session-state')).toHaveText('dibuka');

  await page.getByRole('button', { name: 'Tutup sesi' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Ya, tutup sesi' }).click();
  await expect(page.getByText('Sesi SKD-1 sudah ditutup: 1 hadir, 99 TH.')).toBeVisible();
  await expect(page.getByTestId('session-state')).toHaveText('ditutup');
  await expect(page.getByTestId('attendance-count-present')).toHaveText('1');
  await expect(page.getByTestId('attendance-count-absent')).toHaveText('99');
  await expect(page.getByTestId('attendance-count-pending')).toHaveText('0');
  const second = rosterLine(ROSTER, '263374000002');
  await expect(page.getByTestId('attendance-row-263374000002').getByRole('cell')).toHaveText([
    '2',
    '263374000002',
    second.nama,
    second.kodeFormasi,
    second.nik,
    'TH',
    '—',
    ADMIN.name,
  ]);
  await expect(page.getByLabel('Nomor peserta')).toHaveCount(0);
  await expect(page.getByText('Sesi ini sudah ditutup')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Tutup sesi' })).toHaveCount(0);

  // The printable daftar hadir.
  await page.getByRole('button', { name: 'Cetak daftar hadir' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('DAFTAR HADIR PESERTA');
  await expect(page.locator('.kop')).toContainText('Pemerintah Kota Semarang');
  await expect(page.getByTestId('print-date')).toHaveText('Senin, 30 November 2026');
  const lines = page.getByTestId('print-table').locator('tbody tr');
  await expect(lines).toHaveCount(100);
  await expect(lines.nth(0).getByRole('cell').nth(4)).toHaveText('Hadir');
  await expect(lines.nth(1).getByRole('cell')).toHaveText(['2', '263374000002', second.nama, second.kodeFormasi, 'TH', '', '']);
  await expect(page.getByTestId('print-counts')).toHaveText(
    'Jumlah peserta terdaftar: 100. Hadir: 1. Tidak hadir (TH): 99. Belum dicatat: 0.',
  );
  await expect(page.getByText('Petugas pencatat kehadiran,')).toBeVisible();
  await expect(page.getByText('Koordinator lokasi,')).toBeVisible();

  // On paper only the sheet remains.
  await page.emulateMedia({ media: 'print' });
  await expect(sidebar(page)).toBeHidden();
  await expect(page.getByRole('button', { name: 'Cetak', exact: true })).toBeHidden();
  await expect(page.getByTestId('print-table')).toBeVisible();
  await page.emulateMedia({ media: 'screen' });
  await page.evaluate(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => {
      (window as unknown as { printed: number }).printed++;
    };
  });
  await page.getByRole('button', { name: 'Cetak', exact: true }).click();
  expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
  await page.getByRole('button', { name: 'Kembali' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Kehadiran');
});
