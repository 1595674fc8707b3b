import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { axeViolations } from './axe';
import { CLI, expect, login, ROOT, spawnReady, stop, test as base, type Lentera } from './fixtures';

/**
 * Data custody in the browser (docs/security.md, "Data custody"): the first run encrypts the workstation and shows
 * its recovery key once; `lentera serve` started again with no passphrase and no terminal waits locked, and the
 * browser on this machine unlocks it, with the passphrase or, when it is forgotten, with the recovery key's words.
 */

const READY = /^Lentera is serving (http:\/\/127\.0\.0\.1:\d+)/;
const LOCKED = /^The workstation is encrypted and locked: unlock it in the browser on this machine, (http:\/\/127\.0\.0\.1:\d+)/;

const PASSPHRASE = 'kuda lumping semarang pagi';
const NEW_PASSPHRASE = 'gedung lawang sewu malam';

interface Served extends Lentera {
  /** Stops the server and starts it again on the same folder with no --passphrase-file and no terminal: it waits locked. */
  restartLocked(): Promise<string>;
  /** The exit code of `lentera status --data DIR --passphrase-file FILE`, FILE holding `passphrase`. */
  statusWith(passphrase: string): Promise<number>;
}

const test = base.extend<{ served: Served }>({
  // Playwright reads the fixtures a fixture needs from this pattern: it needs none.
  // eslint-disable-next-line no-empty-pattern
  served: async ({}, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lentera-e2e-custody-'));
    const secrets = mkdtempSync(join(tmpdir(), 'lentera-e2e-secrets-'));
    let server = await spawnReady(['serve', '--data', dataDir, '--port', '0', '--allow-init'], READY);
    const served: Served = {
      url: server.url,
      dataDir,
      cli: async (args) => (await promisify(execFile)(process.execPath, [CLI, ...args, '--data', dataDir], { cwd: ROOT })).stdout,
      async restartLocked() {
        await stop(server.child);
        // spawnReady gives the server no stdin: no terminal to ask on.
        server = await spawnReady(['serve', '--data', dataDir, '--port', '0'], LOCKED);
        served.url = server.url;
        return server.url;
      },
      statusWith(passphrase) {
        const file = join(secrets, 'passphrase');
        writeFileSync(file, `${passphrase}\n`, { mode: 0o600 });
        return new Promise((done) => {
          execFile(process.execPath, [CLI, 'status', '--data', dataDir, '--passphrase-file', file], { cwd: ROOT }, (e) => {
            done(e ? (typeof e.code === 'number' ? e.code : -1) : 0);
          });
        });
      },
    };
    try {
      await use(served);
    } finally {
      await stop(server.child);
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(secrets, { recursive: true, force: true });
    }
  },
  lentera: async ({ served }, use) => {
    await use(served);
  },
});

/** Logs in as the coordinator created on the first run and waits for the home page. */
async function loginAsCoordinator(page: Page): Promise<void> {
  await login(page, 'panitia', '583920');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Selamat datang, Dewi Lestari');
}

test('first run encrypts and shows the 24 words once; serve restarted locked is unlocked in the browser, by passphrase and by the recovery key', async ({ page, served }) => {
  test.setTimeout(120_000);
  let words: string[] = [];
  const a11y: string[] = [];

  await test.step('first run: the passphrase twice, then the recovery key shown once', async () => {
    await page.goto(served.url);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Siapkan stasiun kerja ini');
    await page.getByLabel('Nama login koordinator').fill('panitia');
    await page.getByLabel('Nama lengkap koordinator').fill('Dewi Lestari');
    await page.getByLabel('PIN', { exact: true }).fill('583920');
    await page.getByLabel('Ulangi PIN').fill('583920');
    await page.getByLabel('Frasa sandi stasiun kerja').fill('terlalu pdk');
    await page.getByRole('button', { name: 'Buat stasiun kerja' }).click();
    await expect(page.getByText('Frasa sandi minimal 12 karakter.')).toBeVisible();
    await page.getByLabel('Frasa sandi stasiun kerja').fill(PASSPHRASE);
    await page.getByLabel('Ulangi frasa sandi').fill(`${PASSPHRASE}!`);
    await page.getByRole('button', { name: 'Buat stasiun kerja' }).click();
    await expect(page.getByText('Kedua frasa sandi tidak sama.')).toBeVisible();
    await page.getByLabel('Ulangi frasa sandi').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Buat stasiun kerja' }).click();

    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Catat kunci pemulihan');
    words = await page.getByTestId('recovery-words').locator('.recovery-word').allTextContents();
    expect(words).toHaveLength(24);
    for (const w of words) expect(w).toMatch(/^[a-z]{3,8}$/);
    await expect(page.getByTestId('recovery-words').getByRole('listitem').first()).toHaveText(`1. ${words[0]}`);
    await expect(page.getByTestId('recovery-words').getByRole('listitem').last()).toHaveText(`24. ${words[23]}`);
    // Nothing of the words is kept by the page.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    // Kept as a list, the words would show quoted one by one; as text, three in a row (one word alone is common English).
    for (let i = 0; i + 3 <= words.length; i++) expect(stored).not.toContain(words.slice(i, i + 3).join(' '));
    for (let i = 0; i + 2 <= words.length; i++) expect(stored).not.toContain(`"${words[i]}","${words[i + 1]}"`);
    // Not without the box ticked.
    await page.getByRole('button', { name: 'Lanjut ke halaman masuk' }).click();
    await expect(page.getByText('Centang kotak ini setelah Anda menulis ke-24 kata.')).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Catat kunci pemulihan');
    a11y.push(...(await axeViolations(page, 'recovery key')));
    await page.getByLabel('Saya sudah menulis ke-24 kata ini di atas kertas').check();
    await page.getByRole('button', { name: 'Lanjut ke halaman masuk' }).click();

    await expect(page.getByRole('status')).toHaveText('Stasiun kerja sudah dibuat. Silakan masuk sebagai koordinator.');
    await expect(page.getByTestId('recovery-words')).toHaveCount(0);
    await expect(page.getByLabel('Nama login')).toHaveValue('panitia');
    await page.getByLabel('PIN', { exact: true }).fill('583920');
    await page.getByRole('button', { name: 'Masuk' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Selamat datang, Dewi Lestari');
  });

  await test.step('serve again without the passphrase: the browser asks for it', async () => {
    const url = await served.restartLocked();
    await page.goto(url);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Buka kunci stasiun kerja');
    await expect(page.getByTestId('workstation-id')).toHaveText('terkunci');
    const field = page.getByLabel('Frasa sandi stasiun kerja');
    await expect(field).toBeFocused();
    await expect(field).toHaveAttribute('type', 'password');
    await page.keyboard.type('bukan frasa sandinya');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert')).toHaveText('Frasa sandi salah. Sisa 4 kali percobaan sebelum frasa sandi dikunci sementara.');
    await expect(field).toHaveValue('');
    await expect(field).toBeFocused();
    a11y.push(...(await axeViolations(page, 'unlock (refused)')));
    await page.keyboard.type(PASSPHRASE);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Masuk');
    await expect(page.getByRole('status')).toHaveText('Stasiun kerja sudah dibuka. Silakan masuk.');
    await loginAsCoordinator(page);
  });

  await test.step('the passphrase forgotten: locked after five wrong, the recovery key opens it and sets a new one', async () => {
    const url = await served.restartLocked();
    await page.goto(url);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Buka kunci stasiun kerja');
    const field = page.getByLabel('Frasa sandi stasiun kerja');
    for (let i = 1; i <= 5; i++) {
      await field.fill(`tebakan ke-${i} yang salah`);
      await field.press('Enter');
      if (i < 5) await expect(page.getByRole('alert')).toHaveText(`Frasa sandi salah. Sisa ${5 - i} kali percobaan sebelum frasa sandi dikunci sementara.`);
    }
    // The time is shown in WIB, as every lock in the app is.
    await expect(page.getByRole('alert')).toHaveText(/^Terlalu banyak frasa sandi salah: stasiun kerja tidak dapat dibuka dengan frasa sandi sampai \d{2}\.\d{2} WIB\. Kunci pemulihan tetap dapat dipakai/);

    await page.getByRole('button', { name: 'Lupa frasa sandi?' }).click();
    const key = page.getByLabel('Kunci pemulihan (24 kata)');
    const typo = [...words];
    typo[4] = 'semarang';
    await key.fill(typo.join(' '));
    await page.getByLabel('Frasa sandi baru', { exact: true }).fill(NEW_PASSPHRASE);
    await page.getByLabel('Ulangi frasa sandi baru').fill(NEW_PASSPHRASE);
    await page.getByRole('button', { name: 'Buka dan simpan frasa sandi baru' }).click();
    await expect(page.getByRole('alert')).toHaveText('Kata ke-5 bukan salah satu kata kunci pemulihan: periksa ejaannya.');
    a11y.push(...(await axeViolations(page, 'unlock with the recovery key (refused)')));

    await key.fill(words.join(' ').toUpperCase());
    await page.getByRole('button', { name: 'Buka dan simpan frasa sandi baru' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Masuk');
    await expect(page.getByRole('status')).toHaveText('Stasiun kerja sudah dibuka dengan kunci pemulihan, dan frasa sandi baru sudah disimpan. Silakan masuk.');
    await loginAsCoordinator(page);
  });

  await test.step('the old passphrase no longer opens the workstation, the new one does', async () => {
    expect(await served.statusWith(PASSPHRASE)).toBe(1);
    expect(await served.statusWith(NEW_PASSPHRASE)).toBe(0);
  });
  expect(a11y, 'axe violations on the custody screens').toEqual([]);
});
