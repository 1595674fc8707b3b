import { ADMIN, chainSeq, expect, login, sidebar, test } from './fixtures';

test('the coordinator adds a user, who appears in the list and must choose a PIN at first login', async ({ page }) => {
  await page.goto('/');
  await login(page, ADMIN.name, ADMIN.pin);
  await sidebar(page).getByRole('link', { name: 'Pengguna' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pengguna');
  await expect(page.getByRole('row', { name: /koordinator/ })).toContainText(ADMIN.displayName);

  await page.getByRole('button', { name: 'Tambah pengguna' }).click();
  await page.getByLabel('Nama login').fill('penguji1');
  await page.getByLabel('Nama lengkap').fill('Budi Santoso');
  await page.getByLabel('Peran').selectOption('examiner');
  await page.getByLabel('NIP (tidak wajib)').fill('19800101200501100');
  await page.getByLabel('PIN awal').fill('735162');
  await page.getByLabel('Ulangi PIN').fill('735162');
  await page.getByRole('button', { name: 'Simpan pengguna' }).click();
  await expect(page.getByText('NIP harus 18 angka.')).toBeVisible();

  await page.getByLabel('NIP (tidak wajib)').fill('198001012005011001');
  const seq = await chainSeq(page);
  await page.getByRole('button', { name: 'Simpan pengguna' }).click();
  await expect(page.getByRole('status')).toContainText('penguji1 sudah ditambahkan');
  const row = page.getByRole('row', { name: /penguji1/ });
  await expect(row.getByRole('cell')).toHaveText(['Budi Santoso', 'Penguji', '198001012005011001', 'AktifHarus ganti PIN', /Nonaktifkan/]);
  await expect(page.getByRole('table')).toContainText('2 pengguna');
  await expect.poll(() => chainSeq(page)).toBeGreaterThan(seq);

  // The same name twice is refused, with a message in the person's language.
  await page.getByRole('button', { name: 'Tambah pengguna' }).click();
  await page.getByLabel('Nama login').fill('penguji1');
  await page.getByLabel('Nama lengkap').fill('Orang Lain');
  await page.getByLabel('PIN awal').fill('735162');
  await page.getByLabel('Ulangi PIN').fill('735162');
  await page.getByRole('button', { name: 'Simpan pengguna' }).click();
  await expect(page.getByRole('alert')).toHaveText('Sudah ada akun bernama "penguji1".');
  await page.getByRole('button', { name: 'Batal' }).click();

  // Deactivate (asked first) and reactivate.
  await page.getByRole('button', { name: 'Nonaktifkan penguji1' }).click();
  await page.getByRole('dialog', { name: 'Nonaktifkan penguji1 (Budi Santoso)?' }).getByRole('button', { name: 'Ya, nonaktifkan penguji1' }).click();
  await expect(page.getByRole('status')).toContainText('penguji1 sudah dinonaktifkan');
  await expect(row).toContainText('Nonaktif');
  await page.getByRole('button', { name: 'Aktifkan kembali penguji1' }).click();
  await expect(page.getByRole('status')).toContainText('penguji1 sudah diaktifkan kembali');

  // Reset the PIN.
  await page.getByRole('button', { name: 'Atur ulang PIN penguji1' }).click();
  await page.getByLabel('PIN sementara').fill('264815');
  await page.getByLabel('Ulangi PIN').fill('264815');
  await page.getByRole('button', { name: 'Atur ulang PIN', exact: true }).click();
  await expect(page.getByRole('status')).toContainText('PIN penguji1 sudah diatur ulang');

  // The new person logs in with the temporary PIN and must choose their own first.
  await page.getByRole('button', { name: 'Keluar' }).click();
  await login(page, 'penguji1', '264815');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ganti PIN Anda');
  await page.getByLabel('PIN saat ini').fill('264815');
  await page.getByLabel('PIN baru', { exact: true }).fill('111111');
  await page.getByLabel('Ulangi PIN baru').fill('111111');
  await page.getByRole('button', { name: 'Simpan PIN baru' }).click();
  await expect(page.getByText('PIN tidak boleh berisi satu angka yang diulang.')).toBeVisible();
  await page.getByLabel('PIN baru', { exact: true }).fill('591736');
  await page.getByLabel('Ulangi PIN baru').fill('591736');
  await page.getByRole('button', { name: 'Simpan PIN baru' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Selamat datang, Budi Santoso');
});
