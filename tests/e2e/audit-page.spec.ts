import type { Page } from '@playwright/test';
import { ADMIN, answerLate, EXAM_CODE, expect, importExamplePackage, login, loginFirstTime, sidebar, test } from './fixtures';

const OBSERVER = { name: 'pengawas', role: 'observer', pin: '735162', newPin: '591736', displayName: 'Kartika Sari' } as const;
// A panelist of session WWC-F01 in the example package, on their NIP.
const P1 = { name: 'penguji1', role: 'examiner', nip: '197512082001122004', displayName: 'Ir. Retno Handayani, M.T.', pin: '735162', newPin: '624815' };
const SESSION = 'WWC-F01';
const NOMOR = '263374000044'; // in WWC-F01 of the example package

test.use({ users: [OBSERVER] });

/** A command straight to the registry as `name`, for set-up that is not the subject here. */
async function invoke(page: Page, url: string, name: string, pin: string, command: string, input: unknown): Promise<void> {
  const login = await page.request.post(`${url}/api/accounts.login`, { data: { name, pin } });
  const token = ((await login.json()) as { value: { token: string } }).value.token;
  const r = await page.request.post(`${url}/api/${command}`, { data: input, headers: { 'x-lentera-session': token } });
  const body = (await r.json()) as { ok: boolean; error?: unknown };
  if (!body.ok) throw new Error(`${command}: ${JSON.stringify(body.error)}`);
}

test('the audit log reads in words, filters by outcome, person and command, keeps the raw JSON behind a disclosure and the blind values hidden', async ({
  page,
  lentera,
}) => {
  test.setTimeout(120_000);
  // A panelist scores one criterion of a candidate not yet final: a value the others must not see in the log.
  await importExamplePackage(lentera);
  await lentera.cli(['accounts', 'add', '--name', P1.name, '--role', P1.role, '--nip', P1.nip, '--pin', P1.pin, '--display-name', P1.displayName]);
  await invoke(page, lentera.url, ADMIN.name, ADMIN.pin, 'attendance.checkIn', { exam: EXAM_CODE, session: SESSION, nomorPeserta: NOMOR });
  await invoke(page, lentera.url, P1.name, P1.pin, 'accounts.changePin', { currentPin: P1.pin, newPin: P1.newPin });
  await invoke(page, lentera.url, P1.name, P1.newPin, 'panel.score', { exam: EXAM_CODE, session: SESSION, nomorPeserta: NOMOR, criterion: 'integritas', value: 4 });

  // A wrong PIN first: refused, and on record.
  await page.goto('/');
  await login(page, ADMIN.name, '000000');
  await expect(page.getByRole('alert')).toBeVisible();
  await login(page, ADMIN.name, ADMIN.pin);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Selamat datang, ${ADMIN.displayName}`);
  await sidebar(page).getByRole('link', { name: 'Audit' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit');

  // A login reads as who (name and role) and what (in words), not as JSON.
  const events = page.getByTestId('audit-event');
  const loginOk = events.filter({ has: page.getByTestId('audit-command').filter({ hasText: /^Masuk/ }) }).filter({ has: page.getByText('berhasil', { exact: true }) }).first();
  await expect(loginOk.getByTestId('audit-actor')).toContainText(ADMIN.displayName);
  await expect(loginOk.getByTestId('audit-actor')).toContainText('Koordinator');
  const summary = loginOk.getByTestId('audit-summary');
  await expect(summary).toBeVisible();
  expect(await summary.innerText()).not.toMatch(/[{}"]/);
  // The raw JSON is there, behind a disclosure, opened by the keyboard too.
  const raw = loginOk.locator('details code');
  await expect(raw).toBeHidden();
  await loginOk.getByText('JSON mentah').focus();
  await page.keyboard.press('Enter');
  await expect(raw).toBeVisible();
  await expect(raw).toContainText('{"');

  // Outcome "ditolak": only refusals, each with its code; the wrong PIN is among them.
  await page.getByLabel('Hasil', { exact: true }).selectOption({ label: 'ditolak' });
  await expect.poll(() => page.locator('[data-testid="audit-event"][data-outcome="ok"]').count()).toBe(0);
  await expect(events.first()).toHaveAttribute('data-outcome', 'refused');
  const refusedLogin = events.filter({ has: page.getByTestId('audit-command').filter({ hasText: /^Masuk/ }) }).first();
  await expect(refusedLogin.getByTestId('audit-outcome')).toHaveText(/^ditolak: [A-Z_]+$/);
  await expect(page.getByTestId('audit-total')).toHaveText(/^\d+ peristiwa ditampilkan$/);

  // A person: only what they did. Nobody of that name: the page says so.
  await page.getByRole('button', { name: 'Hapus filter' }).click();
  await page.getByLabel('Orang').fill(P1.name);
  await expect.poll(async () => (await page.getByTestId('audit-actor').allInnerTexts()).every((a) => a.includes(`user:${P1.name}`))).toBe(true);
  await expect(events.filter({ hasText: 'Beri nilai wawancara' })).toHaveCount(1);
  await page.getByLabel('Orang').fill('tidak-ada-orang-ini');
  await expect(page.getByText('Tidak ada peristiwa yang cocok dengan filter ini.')).toBeVisible();
  await expect(events).toHaveCount(0);
  await page.getByRole('button', { name: 'Hapus filter' }).click();
  await expect(events.first()).toBeVisible();
  await page.getByRole('button', { name: 'Keluar' }).click();

  // The observer sees the panelist's value as hidden, in the summary and in the raw JSON alike.
  await loginFirstTime(page, OBSERVER.name, OBSERVER.pin, OBSERVER.newPin);
  await sidebar(page).getByRole('link', { name: 'Audit' }).click();
  await page.getByLabel('Perintah', { exact: true }).selectOption('panel.score');
  const scored = events.filter({ hasText: `user:${P1.name}` });
  await expect(scored).toHaveCount(1);
  await expect(events).toHaveCount(1);
  await expect(scored.getByTestId('audit-summary')).toContainText('value: tersembunyi sampai final');
  await expect(scored.getByTestId('audit-blind')).toHaveText('tersembunyi sampai final');
  await expect(scored).toContainText('"value":tersembunyi sampai final');
  await expect(scored).not.toContainText('"value":4');
  await expect(scored).not.toContainText('value: 4');
  await expect(page.getByTestId('audit-blind-hint')).toBeVisible();
});

test('a read of the log answered late never replaces the answer of a filter chosen after it', async ({ page }) => {
  await page.goto('/');
  await login(page, ADMIN.name, ADMIN.pin);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Selamat datang, ${ADMIN.displayName}`);
  // The server is slow to answer the unfiltered read the page makes on opening; the filtered one is answered at once,
  // so the slow answer arrives after it.
  const slow = await answerLate(page, 'audit.list', (body) => body.command === undefined);
  const unfilteredAsked = page.waitForRequest((r) => r.url().endsWith('/api/audit.list'));
  await sidebar(page).getByRole('link', { name: 'Audit' }).click();
  await unfilteredAsked;
  await page.getByLabel('Perintah', { exact: true }).selectOption('accounts.login');
  const events = page.getByTestId('audit-event');
  await expect(events.first()).toBeVisible();
  await slow.answered;
  // Two frames for anything the late answer would do.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const commands = await page.getByTestId('audit-command').allInnerTexts();
  expect(commands.length).toBeGreaterThan(0);
  expect(commands.filter((c) => !c.includes('accounts.login'))).toEqual([]);
});
