import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, login, sidebar, test } from './fixtures';

/**
 * The demo's data is encrypted: its workstation passphrase and the recovery key's 24 words are on the same screen as
 * the PINs. Returns what the command line needs to open it (the passphrase in a file, outside the data folder).
 */
async function workstationPassphrase(page: Page): Promise<string[]> {
  const pass = (await page.getByTestId('demo-workstation-passphrase').textContent()) ?? '';
  expect(pass).toMatch(/^demo-workstation-\d{6}-\d{6}$/);
  await expect(page.getByTestId('demo-recovery-words').getByRole('listitem')).toHaveCount(24);
  const file = join(mkdtempSync(join(tmpdir(), 'lentera-e2e-demo-pass-')), 'pass');
  writeFileSync(file, pass);
  return ['--workstation-passphrase-file', file];
}

test.use({ workstation: 'empty' });

const DEMO_MS = 60_000;
test.describe.configure({ timeout: 120_000 });

test('first run: the demo venue shows its PINs once, and one of them logs in', async ({ page, lentera }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Siapkan stasiun kerja ini');
  await page.getByRole('button', { name: 'Coba lokasi demo' }).click();

  // Making the venue (nine scrypt PINs, a signing key, 300 candidates with scores) takes seconds; on a loaded machine more.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lokasi demo sudah siap', { timeout: DEMO_MS });
  await expect(page.getByRole('alert')).toContainText('Catat PIN ini sekarang.');
  const rows = page.getByRole('table').locator('tbody tr');
  await expect(rows).toHaveCount(10);
  await expect(page.getByRole('row', { name: /petugas1/ }).getByRole('cell').nth(1)).toHaveText('Petugas');
  const pin = (await page.getByTestId('demo-pin-koordinator').textContent()) ?? '';
  expect(pin).toMatch(/^\d{6}$/);
  const clerkPin = (await page.getByTestId('demo-pin-petugas1').textContent()) ?? '';
  expect(clerkPin).toMatch(/^\d{6}$/);
  // What the screen says about changing PINs is what happens below: the demo accounts keep theirs.
  await expect(page.getByTestId('demo-pin-change')).toHaveText(
    'Akun demo ini langsung dapat dipakai dengan PIN di atas; tidak ada yang diminta menggantinya. Akun yang nanti dibuat oleh koordinator, atau yang PIN-nya diatur ulang, wajib mengganti PIN saat pertama kali masuk.',
  );
  await page.getByRole('button', { name: 'EN', exact: true }).click();
  await expect(page.getByTestId('demo-pin-change')).toHaveText(
    'These demo accounts work right away with the PINs above; none is asked to change its PIN. Accounts the coordinator creates later, or whose PIN is reset, must choose a new PIN at their first login.',
  );
  await page.getByRole('button', { name: 'ID', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lokasi demo sudah siap');

  // The workstation exists already: the status refresh must not take the PINs off the screen.
  const unlock = await workstationPassphrase(page);
  const status = JSON.parse(await lentera.cli(['status', '--json', ...unlock])) as { workstationId: string };
  await expect(page.getByTestId('workstation-id')).toHaveText(status.workstationId);
  await expect(page.getByTestId('demo-pin-koordinator')).toHaveText(pin);

  await page.getByRole('button', { name: 'Saya sudah mencatat PIN, lanjut ke halaman masuk' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Masuk');
  await expect(page.getByRole('status')).toHaveText('Lokasi demo sudah dibuat. Masuk dengan salah satu akun dan PIN yang Anda catat.');
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

test('first run: a demo clerk logs in with the PIN shown, unasked to change it; after a reset they must', async ({ page, lentera }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Coba lokasi demo' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lokasi demo sudah siap', { timeout: DEMO_MS });
  await expect(page.getByTestId('demo-pin-change')).toContainText('tidak ada yang diminta menggantinya');
  const clerkPin = (await page.getByTestId('demo-pin-petugas1').textContent()) ?? '';
  expect(clerkPin).toMatch(/^\d{6}$/);
  const unlock = await workstationPassphrase(page);
  await page.getByRole('button', { name: 'Saya sudah mencatat PIN, lanjut ke halaman masuk' }).click();

  await login(page, 'petugas1', clerkPin);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Selamat datang, Andi Firmansyah');
  await expect(page.getByText('Ganti PIN Anda')).toHaveCount(0);
  await page.getByRole('button', { name: 'Keluar' }).click();

  // The other half of the sentence: a PIN the coordinator resets is temporary, and must be replaced first.
  await lentera.cli(['accounts', 'reset-pin', 'petugas1', '--pin', '730518', ...unlock]);
  await login(page, 'petugas1', '730518');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ganti PIN Anda');
  await expect(page.getByRole('navigation', { name: 'Menu utama' })).toHaveCount(0);
});
