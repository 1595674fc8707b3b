import type { APIRequestContext } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoPackage } from '../../src-main/core/demo/generate';
import { ADMIN, expect, loginFirstTime, sidebar, test, type Lentera } from './fixtures';

const CLERK = { name: 'petugas', role: 'clerk' as const, pin: '735162', displayName: 'Andi Firmansyah' };
const N = 10_000;
const SESSION = 'AULA-1';
/** The rows' one height (AttendanceTable's ROW_HEIGHT). */
const ROW_HEIGHT = 41;

test.use({ users: [CLERK] });

function nomorOf(i: number): string {
  return `2633740${String(i).padStart(5, '0')}`;
}

/** The demo exam with N candidates, all of them in one session. */
async function importLargeSession(lentera: Lentera): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-e2e-large-'));
  try {
    const pkg = demoPackage(N, 7);
    const file = join(dir, 'exam.json');
    writeFileSync(file, JSON.stringify({ ...pkg, sessions: [{ ...pkg.sessions[0]!, code: SESSION, candidates: pkg.roster.map((r) => r.nomor_peserta) }] }));
    await lentera.cli(['exam', 'import', file]);
    return pkg.exam.code;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Another client: the coordinator, straight at the registry. */
async function asCoordinator(request: APIRequestContext, url: string): Promise<(command: string, input: unknown) => Promise<void>> {
  const login = await request.post(`${url}/api/accounts.login`, { data: { name: ADMIN.name, pin: ADMIN.pin } });
  const token = ((await login.json()) as { value: { token: string } }).value.token;
  return async (command, input) => {
    const r = await request.post(`${url}/api/${command}`, { data: input, headers: { 'x-lentera-session': token } });
    const body = (await r.json()) as { ok: boolean; error?: unknown };
    if (!body.ok) throw new Error(`${command}: ${JSON.stringify(body.error)}`);
  };
}

test(`a session of ${N.toLocaleString('en')}: only the rows in view are in the page, and a check-in here or elsewhere changes its one line, never reading the list again`, async ({
  page,
  lentera,
  request,
}) => {
  test.setTimeout(120_000);
  const exam = await importLargeSession(lentera);
  // Every read of the list, whole or of one line (by the number asked for).
  const reads: { nomorPeserta?: string }[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/attendance.list') reads.push(JSON.parse(r.postData() ?? '{}') as { nomorPeserta?: string });
  });
  const wholeReads = () => reads.filter((r) => r.nomorPeserta === undefined).length;
  const lineReads = () => reads.flatMap((r) => (r.nomorPeserta === undefined ? [] : [r.nomorPeserta]));

  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/');
  await loginFirstTime(page, CLERK.name, CLERK.pin, '591736');
  await sidebar(page).getByRole('link', { name: 'Kehadiran' }).click();
  await expect(page.getByLabel('Ujian')).toHaveValue(exam);
  await page.getByLabel('Sesi', { exact: true }).selectOption(SESSION);
  await expect(page.getByTestId('attendance-count-listed')).toHaveText('10.000');
  await expect(page.getByTestId('attendance-count-pending')).toHaveText('10.000');

  // Only the rows near the view are in the page, all of one height.
  const table = page.getByRole('region', { name: new RegExp(`peserta terdaftar di sesi ${SESSION}$`) });
  const rows = table.locator('tbody tr[data-index]');
  const row = (nomor: string) => page.getByTestId(`attendance-row-${nomor}`);
  await expect(row(nomorOf(1))).toBeVisible();
  const inPage = async () => rows.count();
  expect(await inPage()).toBeGreaterThan(5);
  expect(await inPage()).toBeLessThan(100);
  expect(await rows.evaluateAll((rs) => [...new Set(rs.map((r) => r.getBoundingClientRect().height))])).toEqual([ROW_HEIGHT]);
  await expect(table).toHaveAttribute('tabindex', '0');
  expect(wholeReads()).toBe(1);

  // A check-in by keyboard: its row and the counts change in place.
  const input = page.getByLabel('Nomor peserta');
  await expect(input).toBeFocused();
  const first = nomorOf(1);
  await page.keyboard.type(first);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('checkin-result')).toHaveClass(/checkin-ok/);
  await expect(row(first).getByRole('cell').nth(5)).toHaveText('Hadir');
  await expect(row(first).getByRole('cell').nth(7)).toHaveText(CLERK.name);
  await expect(page.getByTestId('attendance-count-present')).toHaveText('1');
  await expect(page.getByTestId('attendance-count-pending')).toHaveText('9.999');
  await expect(input).toBeFocused();

  // Another client checks the next candidate in: that line is read alone, and changes here too.
  const coordinator = await asCoordinator(request, lentera.url);
  const second = nomorOf(2);
  await coordinator('attendance.checkIn', { exam, session: SESSION, nomorPeserta: second });
  await expect(row(second).getByRole('cell').nth(5)).toHaveText('Hadir');
  await expect(row(second).getByRole('cell').nth(7)).toHaveText(ADMIN.name);
  await expect(page.getByTestId('attendance-count-present')).toHaveText('2');
  // The live events come in order: the desk's own check-in's came first, and was known as its echo (nothing read).
  expect(wholeReads()).toBe(1);
  expect(lineReads()).toEqual([second]);

  // The end of the list: its last rows in the page, the first ones gone, still a few dozen.
  await table.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(row(nomorOf(N))).toBeVisible();
  await expect(row(first)).toHaveCount(0);
  expect(await inPage()).toBeLessThan(100);

  // A check-in elsewhere of a line not in the page moves the counts; the line says it once scrolled to.
  const middle = nomorOf(N / 2);
  await coordinator('attendance.checkIn', { exam, session: SESSION, nomorPeserta: middle });
  await expect(page.getByTestId('attendance-count-present')).toHaveText('3');
  await table.evaluate((el, top) => el.scrollTo({ top }), (N / 2 - 5) * ROW_HEIGHT);
  await expect(row(middle).getByRole('cell').nth(5)).toHaveText('Hadir');
  await expect(row(middle).getByRole('cell').nth(0)).toHaveText(String(N / 2));

  // An undo here, then one elsewhere: each changes its line and the counts.
  await table.evaluate((el) => el.scrollTo({ top: 0 }));
  await page.getByRole('button', { name: new RegExp(`^Batalkan kehadiran ${first} `) }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Alasan pembatalan').fill('salah pindai kartu');
  await dialog.getByRole('button', { name: 'Ya, batalkan kehadiran' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(row(first).getByRole('cell').nth(5)).toHaveText('Belum hadir');
  await expect(row(first).getByRole('cell').nth(6)).toHaveText('—');
  await expect(page.getByTestId('attendance-count-present')).toHaveText('2');
  await coordinator('attendance.undo', { exam, session: SESSION, nomorPeserta: second, reason: 'salah pindai kartu' });
  await expect(row(second).getByRole('cell').nth(5)).toHaveText('Belum hadir');
  await expect(page.getByTestId('attendance-count-present')).toHaveText('1');
  await expect(page.getByTestId('attendance-count-pending')).toHaveText('9.999');

  // The list was read whole once, when the session was opened; the other client's changes one line each.
  expect(wholeReads()).toBe(1);
  expect(lineReads()).toEqual([second, middle, second]);
});
