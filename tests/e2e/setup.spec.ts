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
  await page.getByRole('button', { name: 'Buat stasiun kerja' }).click();

  await expect(page.getByRole('status')).toHaveText('Stasiun kerja sudah dibuat. Silakan masuk sebagai koordinator.');
  await expect(page.getByLabel('Nama login')).toHaveValue('panitia');

  const status = JSON.parse(await lentera.cli(['status', '--json'])) as { workstationId: string; chainHead: { seq: number } };
  await expect(page.getByTestId('workstation-id')).toHaveText(status.workstationId);

  await page.getByLabel('PIN', { exact: true }).fill('583920');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Selamat datang, Dewi Lestari');
  await expect(page.getByTestId('current-user')).toHaveText('Dewi Lestari');
});
