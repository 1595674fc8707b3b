import type { Browser, BrowserContext, Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, EXAM_CODE, EXAMPLE_PACKAGE, expect, login, loginFirstTime, sidebar, test, typePaperSheet, type Lentera } from './fixtures';

const CLERK1 = { name: 'petugas1', role: 'clerk', pin: '735162', newPin: '591736', displayName: 'Andi Firmansyah' };
const CLERK2 = { name: 'petugas2', role: 'clerk', pin: '735162', newPin: '624815', displayName: 'Rina Marlina' };
const STAGE = 'SKB-TULIS';
const SESSION = 'TULIS-1';
const SAME = '263374000002';
const DIFFERENT = '263374000006';

/** The example package with a written test added: two components, one of them in half points. */
async function importWithWrittenStage(lentera: Lentera): Promise<void> {
  const pkg = JSON.parse(readFileSync(EXAMPLE_PACKAGE, 'utf8')) as { stages: unknown[]; sessions: unknown[] };
  pkg.stages.push({
    code: STAGE,
    name: 'Tes Tertulis',
    kind: 'written',
    components: [
      { code: 'esai', name: 'Esai', min: 0, max: 100, step: 0.5 },
      { code: 'kasus', name: 'Studi kasus', min: 0, max: 100, step: 1 },
    ],
    score: { method: 'sum' },
  });
  pkg.sessions.push({ code: SESSION, stage: STAGE, venue: 'BALAIKOTA', room: 'Ruang Tulis', starts_at: '2026-12-01T10:00:00+07:00', panel: [], candidates: [SAME, DIFFERENT] });
  const dir = mkdtempSync(join(tmpdir(), 'lentera-paper-'));
  try {
    const file = join(dir, 'tulis.exam.json');
    writeFileSync(file, JSON.stringify(pkg));
    await lentera.cli(['exam', 'import', file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function checkIn(page: Page, url: string, nomor: string): Promise<void> {
  const login = await page.request.post(`${url}/api/accounts.login`, { data: { name: ADMIN.name, pin: ADMIN.pin } });
  const token = ((await login.json()) as { value: { token: string } }).value.token;
  const r = await page.request.post(`${url}/api/attendance.checkIn`, {
    data: { exam: EXAM_CODE, session: SESSION, nomorPeserta: nomor },
    headers: { 'x-lentera-session': token },
  });
  expect(((await r.json()) as { ok: boolean }).ok).toBe(true);
}

async function openBrowser(browser: Browser, url: string, problems: string[]): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: url, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
  });
  return { context, page };
}

const typeSheet = (page: Page, nomor: string, esai: string, kasus: string) => typePaperSheet(page, nomor, 'Esai', [esai, kasus]);

test('paper scores are typed twice by two clerks, blind; a mismatch is resolved by a third person', async ({ page, browser, lentera }) => {
  test.setTimeout(120_000);
  await importWithWrittenStage(lentera);
  for (const c of [CLERK1, CLERK2]) {
    await lentera.cli(['accounts', 'add', '--name', c.name, '--role', c.role, '--pin', c.pin, '--display-name', c.displayName]);
  }
  await checkIn(page, lentera.url, SAME);
  await checkIn(page, lentera.url, DIFFERENT);

  const problems: string[] = [];
  const [a, b] = await Promise.all([openBrowser(browser, lentera.url, problems), openBrowser(browser, lentera.url, problems)]);
  const one = a.page;
  const two = b.page;
  for (const [p, c] of [
    [one, CLERK1],
    [two, CLERK2],
  ] as const) {
    await p.goto('/');
    await loginFirstTime(p, c.name, c.pin, c.newPin);
    await sidebar(p).getByRole('link', { name: 'Penilaian' }).click();
    // A clerk starts on a paper stage: the example's practical test, the first of the two.
    await expect(p.getByLabel('Tahap', { exact: true })).toHaveValue('SKB-PRAKTIK');
    await p.getByLabel('Tahap', { exact: true }).selectOption(STAGE);
    // Keyboard first: the cursor waits in the number field.
    await expect(p.getByLabel('Nomor peserta', { exact: true })).toBeFocused();
  }

  // First entries by petugas1 (with a decimal comma).
  await typeSheet(one, SAME, '82,5', '70');
  await expect(one.getByTestId('paper-result')).toHaveText(`Entri pertama ${SAME} tersimpan. Menunggu entri kedua oleh petugas lain.`);
  await typeSheet(one, DIFFERENT, '60', '75');
  await expect(one.getByTestId('paper-result')).toHaveText(`Entri pertama ${DIFFERENT} tersimpan. Menunggu entri kedua oleh petugas lain.`);
  // The same clerk cannot type the second entry.
  await typeSheet(one, SAME, '82,5', '70');
  await expect(one.getByTestId('paper-result')).toHaveText(
    `Entri ${SAME} ditolak. Anda sudah mengetik entri pertama lembar ${SAME}. Entri kedua harus diketik petugas lain.`,
  );
  // A value off the grid is refused before it is sent.
  await one.getByLabel('Nomor peserta', { exact: true }).fill(DIFFERENT);
  await one.getByLabel('Esai', { exact: true }).fill('60,3');
  await one.getByLabel('Studi kasus', { exact: true }).fill('75');
  await one.getByRole('button', { name: 'Simpan entri' }).click();
  await expect(one.getByText('Harus kelipatan 0,5 dari 0.')).toBeVisible();
  await expect(one.getByLabel('Esai', { exact: true })).toBeFocused();

  // Second entries by petugas2: told whether they match and where, never the other values.
  await typeSheet(two, SAME, '82.5', '70');
  await expect(two.getByTestId('paper-result')).toHaveText(`Cocok — terkonfirmasi (${SAME}).`);
  await typeSheet(two, DIFFERENT, '65', '75');
  await expect(two.getByTestId('paper-result')).toHaveText(`Tidak cocok pada: Esai (${DIFFERENT}). Lembar ini menunggu penyelesaian oleh orang ketiga.`);
  await expect(two.locator('main')).not.toContainText('60');
  const status = two.getByTestId('paper-status');
  await expect(status.getByRole('row', { name: new RegExp(DIFFERENT) }).getByRole('cell')).toHaveText([DIFFERENT, 'Tidak cocok', CLERK1.name, CLERK2.name, 'Esai']);
  await expect(status.getByRole('row', { name: new RegExp(SAME) }).getByRole('cell')).toHaveText([SAME, 'Terkonfirmasi', CLERK1.name, CLERK2.name, '—']);

  // The coordinator, a third person, sees both entries side by side and resolves.
  await page.goto('/');
  await login(page, ADMIN.name, ADMIN.pin);
  // In the audit log the values of the sheet that differs stay hidden, even from the coordinator, until it is
  // resolved; those of the sheet whose entries agreed are shown.
  await sidebar(page).getByRole('link', { name: 'Audit' }).click();
  const entered = (nomor: string) => page.getByRole('row').filter({ hasText: 'paper.enter' }).filter({ hasText: `user:${CLERK2.name}` }).filter({ hasText: nomor }).first();
  await expect(entered(DIFFERENT).getByTestId('audit-blind')).toHaveText('tersembunyi sampai final');
  await expect(entered(DIFFERENT)).toContainText('"values":tersembunyi sampai final');
  await expect(entered(SAME)).toContainText('"values":{');
  await expect(entered(SAME).getByTestId('audit-blind')).toHaveCount(0);
  await expect(page.getByTestId('audit-blind-hint')).toContainText('setelah entri kedua cocok atau selisihnya diselesaikan');
  await sidebar(page).getByRole('link', { name: 'Penilaian' }).click();
  await page.getByLabel('Tahap', { exact: true }).selectOption(STAGE);
  const sheet = page.getByTestId(`resolve-${DIFFERENT}`);
  await expect(sheet.getByRole('row', { name: /Esai/ }).getByRole('cell').nth(0)).toHaveText('60');
  await expect(sheet.getByRole('row', { name: /Esai/ }).getByRole('cell').nth(1)).toHaveText('65');
  await sheet.getByRole('button', { name: 'Pakai 65' }).click();
  await expect(sheet.getByLabel('Nilai yang benar: Esai')).toHaveValue('65');
  await expect(sheet.getByLabel('Nilai yang benar: Studi kasus')).toHaveValue('75');
  await sheet.getByLabel('Alasan penyelesaian', { exact: true }).fill('Lembar asli dibaca ulang: 65');
  await sheet.getByRole('button', { name: 'Selesaikan selisih' }).click();
  await expect(page.getByText(`Selisih lembar ${DIFFERENT} sudah diselesaikan.`)).toBeVisible();
  await expect(page.getByText('Tidak ada lembar dengan selisih.')).toBeVisible();

  // Every score with its state; the history keeps both entries and the resolution with its reason.
  const esai = page.getByTestId(`score-${DIFFERENT}-esai`);
  await expect(esai.getByRole('cell')).toHaveText([DIFFERENT, /\S/, 'Esai', '65', 'Terkonfirmasi', 'Riwayat']);
  await expect(page.getByTestId(`score-${SAME}-esai`).getByRole('cell')).toHaveText([SAME, /\S/, 'Esai', '82,5', 'Terkonfirmasi', 'Riwayat']);
  await esai.getByRole('button', { name: 'Riwayat' }).click();
  const lines = page.getByRole('dialog').getByTestId('history-row');
  await expect(lines).toHaveCount(3);
  await expect(lines.nth(0).getByRole('cell')).toHaveText(['1', '60', 'Entri kertas (entri 1)', CLERK1.name, /WIB$/, '—', '—']);
  await expect(lines.nth(1).getByRole('cell')).toHaveText(['2', '65', 'Entri kertas (entri 2)', CLERK2.name, /WIB$/, '—', '—']);
  await expect(lines.nth(2).getByRole('cell')).toHaveText(['3', '65', 'Penyelesaian selisih', ADMIN.name, /WIB$/, 'Lembar asli dibaca ulang: 65', '—']);
  // The clerks' status follows live.
  await expect(status.getByRole('row', { name: new RegExp(DIFFERENT) }).getByRole('cell').nth(1)).toHaveText('Diselesaikan');

  for (const x of [a, b]) await x.context.close();
  expect(problems, 'errors in the other browsers').toEqual([]);
});
