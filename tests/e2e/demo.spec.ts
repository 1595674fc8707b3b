import { expect, login, sidebar, test } from './fixtures';

test.use({ workstation: 'empty' });

test('first run: the demo venue shows its PINs once, and one of them logs in', async ({ page, lentera }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Siapkan stasiun kerja ini');
  await page.getByRole('button', { name: 'Coba venue demo' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Venue demo sudah siap');
  await expect(page.getByRole('alert')).toContainText('Catat PIN ini sekarang.');
  const rows = page.getByRole('table').locator('tbody tr');
  await expect(rows).toHaveCount(10);
  await expect(page.getByRole('row', { name: /petugas1/ }).getByRole('cell').nth(1)).toHaveText('Petugas');
  const pin = (await page.getByTestId('demo-pin-koordinator').textContent()) ?? '';
  expect(pin).toMatch(/^\d{6}$/);
  const clerkPin = (await page.getByTestId('demo-pin-petugas1').textContent()) ?? '';
  expect(clerkPin).toMatch(/^\d{6}$/);

  // The workstation exists already: the status refresh must not take the PINs off the screen.
  const status = JSON.parse(await lentera.cli(['status', '--json'])) as { workstationId: string };
  await expect(page.getByTestId('workstation-id')).toHaveText(status.workstationId);
  await expect(page.getByTestId('demo-pin-koordinator')).toHaveText(pin);

  await page.getByRole('button', { name: 'Saya sudah mencatat PIN, lanjut ke halaman masuk' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Masuk');
  await expect(page.getByRole('status')).toHaveText('Venue demo sudah dibuat. Masuk dengan salah satu akun dan PIN yang Anda catat.');
  await expect(page.getByLabel('Nama login')).toHaveValue('koordinator');
  await login(page, 'koordinator', pin);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Selamat datang, Sri Wahyuni, S.Sos.');

  // The demo exam is there, with its candidates.
  await sidebar(page).getByRole('link', { name: 'Ujian & Peserta' }).click();
  await expect(page.getByTestId('exam-list').getByRole('row', { name: /CPNS-SMG-2026/ })).toBeVisible();
  await expect(page.getByTestId('candidate-total')).toHaveText('300 peserta');

  // The PINs are not shown again, even after a reload.
  await page.reload();
  await expect(page.getByText(pin, { exact: true })).toHaveCount(0);
});
