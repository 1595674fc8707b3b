import { writeFileSync } from 'node:fs';
import { expect, test } from './fixtures';

test.use({ workstation: 'empty' });

test('first-run setup creates the workstation, then the coordinator can log in', async ({ page, lentera }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Siapkan stasiun kerja ini');
  await expect(page.getByTestId('workstation-id')).toHaveText('belum disiapkan');
  await expect(page.getByRole('heading', { name: 'Coba dengan lokasi demo' })).toBeVisible();

  await page.getByLabel('Nama login koordinator').fill('panitia');
  await page.getByLabel('Nama lengkap koordinator').fill('Dewi Lestari');
  await page.getByLabel('PIN', { exact: true }).fill('583920');
  await page.getByLabel('Ulangi PIN').fill('583921');
  await page.getByRole('button', { name: 'Buat stasiun kerja' }).click();
  await expect(page.getByText('Kedua PIN tidak sama.')).toBeVisible();

  await page.getByLabel('Ulangi PIN').fill('583920');
  // The workstation is always encrypted: its passphrase, then its recovery key shown once (tests/e2e/custody.spec.ts).
  await page.getByLabel('Frasa sandi stasiun kerja').fill('kuda lumping semarang pagi');
  await page.getByLabel('Ulangi frasa sandi').fill('kuda lumping semarang pagi');
  await page.getByRole('button', { name: 'Buat stasiun kerja' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Catat kunci pemulihan');
  await page.getByLabel('Saya sudah menulis ke-24 kata ini di atas kertas').check();
  await page.getByRole('button', { name: 'Lanjut ke halaman masuk' }).click();

  await expect(page.getByRole('status')).toHaveText('Stasiun kerja sudah dibuat. Silakan masuk sebagai koordinator.');
  await expect(page.getByLabel('Nama login')).toHaveValue('panitia');

  // The command line beside it needs the passphrase too.
  const passphraseFile = test.info().outputPath('passphrase');
  writeFileSync(passphraseFile, 'kuda lumping semarang pagi\n', { mode: 0o600 });
  const status = JSON.parse(await lentera.cli(['status', '--json', '--passphrase-file', passphraseFile])) as { workstationId: string; chainHead: { seq: number } };
  await expect(page.getByTestId('workstation-id')).toHaveText(status.workstationId);

  await page.getByLabel('PIN', { exact: true }).fill('583920');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Selamat datang, Dewi Lestari');
  await expect(page.getByTestId('current-user')).toHaveText('Dewi Lestari');
});
