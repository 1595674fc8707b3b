import { ADMIN, expect, importExamplePackage, login, loginFirstTime, sidebar, test } from './fixtures';

const EXAMINER = { name: 'penguji', role: 'examiner' as const, pin: '735162', displayName: 'Budi Santoso' };

test.use({ users: [EXAMINER] });

test('an examiner declares a conflict of interest, and the coordinator sees it', async ({ page, lentera }) => {
  await importExamplePackage(lentera);
  await page.goto('/');
  await loginFirstTime(page, EXAMINER.name, EXAMINER.pin, '591736');
  await sidebar(page).getByRole('link', { name: 'Penilaian' }).click();
  await expect(page.getByRole('heading', { name: 'Konflik kepentingan', exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Nyatakan konflik' }).click();
  await expect(page.getByText('Wajib diisi.')).toBeVisible();
  await page.getByLabel('Nomor peserta').fill('263374009999');
  await page.getByLabel('Alasan').fill('saudara sepupu');
  await page.getByRole('button', { name: 'Nyatakan konflik' }).click();
  await expect(page.getByRole('alert')).toHaveText('Tidak ada peserta bernomor 263374009999 pada ujian ini.');

  await page.getByLabel('Nomor peserta').fill('263374000005');
  await page.getByLabel('Alasan').fill('saudara sepupu');
  await page.getByRole('button', { name: 'Nyatakan konflik' }).click();
  await expect(page.getByRole('status')).toHaveText(
    'Konflik kepentingan dengan peserta 263374000005 sudah dicatat. Anda tidak akan menilai peserta ini.',
  );
  const mine = page.getByTestId('conflicts-table').locator('tbody tr');
  await expect(mine).toHaveCount(1);
  await expect(mine.first().getByRole('cell').first()).toHaveText('263374000005');
  await expect(mine.first()).toContainText('saudara sepupu');

  await page.getByRole('button', { name: 'Keluar' }).click();
  await login(page, ADMIN.name, ADMIN.pin);
  await sidebar(page).getByRole('link', { name: 'Penilaian' }).click();
  const all = page.getByTestId('conflicts-table').locator('tbody tr');
  await expect(all).toHaveCount(1);
  await expect(all.first().getByRole('cell')).toHaveText(['263374000005', 'Budi Santoso (penguji)', 'saudara sepupu', /WIB$/]);
  await expect(page.getByRole('button', { name: 'Nyatakan konflik' })).toHaveCount(0);
});
