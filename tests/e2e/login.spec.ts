import type { Page, Request, Response } from '@playwright/test';
import { ADMIN, expect, login, sidebar, test } from './fixtures';

const DEVICE_KEY = `lentera.device.${ADMIN.name}`;

test('first login shows the home screen with the user name and role', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Masuk');
  const pin = page.getByLabel('PIN', { exact: true });
  await expect(pin).toHaveAttribute('type', 'password');
  await expect(pin).toHaveAttribute('inputmode', 'numeric');

  await login(page, ADMIN.name, ADMIN.pin);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Selamat datang, ${ADMIN.displayName}`);
  await expect(page.getByTestId('current-user')).toHaveText(ADMIN.displayName);
  await expect(page.getByText('koordinator · Koordinator')).toBeVisible();
  const nav = sidebar(page);
  await expect(nav.getByRole('link')).toHaveText([
    'Beranda',
    'Ujian & Peserta',
    'Kehadiran',
    'Penilaian',
    'Hasil & Peringkat',
    'Dokumen',
    'Bundel & Publikasi',
    'Sanggah & Laporan',
    'Audit',
    'Pengguna',
  ]);

  // An empty page says what to do next.
  await nav.getByRole('link', { name: 'Bundel & Publikasi' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bundel & Publikasi');
  await expect(page.getByText('Belum ada bundel. Ekspor bundel pertama setelah hasil difinalisasi.')).toBeVisible();

  // A reload keeps the session (token in sessionStorage) and the page (hash route).
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bundel & Publikasi');

  await page.getByRole('button', { name: 'Keluar' }).click();
  await expect(page.getByRole('status')).toHaveText('Anda sudah keluar.');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Masuk');
});

test('a wrong PIN says how many attempts are left', async ({ page }) => {
  await page.goto('/');
  await login(page, ADMIN.name, '999111');
  await expect(page.getByRole('alert')).toHaveText(
    'Nama login atau PIN salah. Sisa 4 kali percobaan sebelum akun dikunci.',
  );
  await expect(page.getByLabel('PIN', { exact: true })).toHaveValue('');
  await login(page, ADMIN.name, '999112');
  await expect(page.getByRole('alert')).toContainText('Sisa 3 kali percobaan');
  // An unknown name is counted like any other, so the answer does not tell which names exist.
  await login(page, 'tidakada', '999112');
  await expect(page.getByRole('alert')).toHaveText('Nama login atau PIN salah. Sisa 4 kali percobaan sebelum akun dikunci.');
});

function wib(ms: number): string {
  const f = new Intl.DateTimeFormat('id-ID', { timeZone: 'Asia/Jakarta', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return f.format(new Date(ms));
}

test('five wrong PINs lock the account until a time shown in WIB; the right PIN is then refused', async ({ page }) => {
  await page.goto('/');
  for (let left = 4; left >= 1; left--) {
    await login(page, ADMIN.name, '999111');
    await expect(page.getByRole('alert')).toContainText(`Sisa ${left} kali percobaan`);
  }
  const before = Date.now();
  await login(page, ADMIN.name, '999111');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('akun terkunci sampai');
  const text = (await alert.textContent()) ?? '';
  const shown = /terkunci sampai (\d{2}\.\d{2}) WIB/.exec(text)?.[1];
  // A browser that never logged in as this person is an unknown device: locked for fifteen minutes from the fifth
  // attempt, so the minute shown is that of now + 15 min (allowing a tick).
  expect([wib(before + 15 * 60_000), wib(Date.now() + 15 * 60_000)]).toContain(shown);

  await login(page, ADMIN.name, ADMIN.pin);
  await expect(alert).toContainText(`akun terkunci sampai ${shown} WIB`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Masuk');
});

test('wrong PINs from another device cannot lock a person out of the browser they logged in from before', async ({ page, browser, lentera }) => {
  const welcome = page.getByRole('heading', { level: 1 });
  await page.goto('/');
  await login(page, ADMIN.name, ADMIN.pin);
  await expect(welcome).toHaveText(`Selamat datang, ${ADMIN.displayName}`);
  // This browser keeps the device token the login answered, for its next login as this person.
  const token = await page.evaluate((key) => localStorage.getItem(key), DEVICE_KEY);
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await page.getByRole('button', { name: 'Keluar' }).click();
  await expect(welcome).toHaveText('Masuk');

  // Someone on another device locks the account with five wrong PINs; there even the right PIN is refused.
  const context = await browser.newContext({ baseURL: lentera.url, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  try {
    const other = await context.newPage();
    await other.goto('/');
    for (let left = 4; left >= 1; left--) {
      await login(other, ADMIN.name, '999111');
      await expect(other.getByRole('alert')).toContainText(`Sisa ${left} kali percobaan`);
    }
    await login(other, ADMIN.name, '999111');
    await expect(other.getByRole('alert')).toContainText('akun terkunci sampai');
    await login(other, ADMIN.name, ADMIN.pin);
    await expect(other.getByRole('heading', { level: 1 })).toHaveText('Masuk');
    expect(await other.evaluate((key) => localStorage.getItem(key), DEVICE_KEY)).toBeNull();
  } finally {
    await context.close();
  }

  // The remembered browser counts its own wrong PINs apart, and the right PIN still lets the person in.
  await login(page, ADMIN.name, '999111');
  await expect(page.getByRole('alert')).toHaveText('Nama login atau PIN salah. Sisa 4 kali percobaan sebelum akun dikunci.');
  await login(page, ADMIN.name, ADMIN.pin);
  await expect(welcome).toHaveText(`Selamat datang, ${ADMIN.displayName}`);
  expect(await page.evaluate((key) => localStorage.getItem(key), DEVICE_KEY)).toBe(token);
});

test('too many wrong PINs from one device, whatever the names, are refused for a while, said in minutes', async ({ page, lentera }) => {
  // Ten wrong PINs for ten names from this machine (the limit per device, whichever people they were for).
  for (let i = 1; i <= 10; i++) {
    const r = await page.request.post(`${lentera.url}/api/accounts.login`, { data: { name: `tamu${i}`, pin: '999111' } });
    expect(r.status()).toBe(401);
  }
  await page.goto('/');
  await login(page, ADMIN.name, ADMIN.pin);
  await expect(page.getByRole('alert')).toHaveText('Terlalu banyak percobaan dari perangkat ini. Coba lagi dalam 15 menit.');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Masuk');
});

/** Holds the first request to `command` from now on until `release`, which answers its response; later ones pass. */
async function holdFirst(page: Page, command: string): Promise<{ held: () => boolean; release: () => Promise<Response | null> }> {
  let open!: () => void;
  const released = new Promise<void>((resolve) => (open = resolve));
  let held: Request | null = null;
  await page.route(`**/api/${command}`, async (route) => {
    if (held) return route.continue();
    held = route.request();
    await released;
    await route.continue();
  });
  return {
    held: () => held !== null,
    release: () => {
      open();
      return held!.response();
    },
  };
}

test('an answer to the last session, arriving after the next login, does not end the new one; a session ended at the workstation does', async ({ page, lentera }) => {
  const heading = page.getByRole('heading', { level: 1 });
  await page.goto('/');
  await login(page, ADMIN.name, ADMIN.pin);
  await expect(heading).toHaveText(`Selamat datang, ${ADMIN.displayName}`);

  // The audit page's list, asked under this session, is held on the way until the person has logged out and in
  // again: it then reaches the workstation with the ended session's token, and is answered UNAUTHENTICATED.
  const list = await holdFirst(page, 'audit.list');
  await sidebar(page).getByRole('link', { name: 'Audit' }).click();
  await expect.poll(list.held).toBe(true);
  // So is the status read after the logout, asked with no session: it arrives naming nobody, after the login.
  const status = await holdFirst(page, 'system.status');
  await page.getByRole('button', { name: 'Keluar' }).click();
  await expect(heading).toHaveText('Masuk');
  await expect.poll(status.held).toBe(true);
  await login(page, ADMIN.name, ADMIN.pin);
  await expect(heading).toHaveText(`Selamat datang, ${ADMIN.displayName}`);
  // The status read the late answers set off (50 ms after a command's answer), listened for before they are let go:
  // a wait begun after them can miss it, and then waits for a read that never comes.
  let released = false;
  const readAfter = new Set<Request>();
  page.on('request', (r) => {
    if (released && r.url().endsWith('/api/system.status')) readAfter.add(r);
  });
  const statusAfter = page.waitForResponse((r) => readAfter.has(r.request()));
  released = true;
  expect((await list.release())?.status()).toBe(401);
  expect(((await (await status.release())?.json()) as { value: { principal: unknown } }).value.principal).toBeNull();
  // Let the late answers and a status read after them be handled, then look: the new session is still there.
  await statusAfter;
  await expect(page.getByTestId('current-user')).toHaveText(ADMIN.displayName);
  await sidebar(page).getByRole('link', { name: 'Pengguna' }).click();
  await expect(heading).toHaveText('Pengguna');

  // Ended at the workstation (here: logged out with this page's token from elsewhere): the page's next command is
  // answered UNAUTHENTICATED under the session it holds, and the page says so. (Navigated by the address, not by a
  // click: a status read after some earlier command may already have found nobody logged in and left the menu.)
  const token = await page.evaluate(() => sessionStorage.getItem('lentera.session'));
  expect(token).toBeTruthy();
  expect((await page.request.post(`${lentera.url}/api/accounts.logout`, { headers: { 'x-lentera-session': token! }, data: {} })).status()).toBe(200);
  await page.evaluate(() => {
    location.hash = '#/audit';
  });
  await expect(page.getByRole('status')).toHaveText('Sesi Anda telah berakhir. Silakan masuk lagi.');
  await expect(heading).toHaveText('Masuk');
});
