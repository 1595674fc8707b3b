import type { Browser, BrowserContext, Page } from '@playwright/test';
import { ADMIN, answerLate, EXAM_CODE, expect, importExamplePackage, login, loginFirstTime, sidebar, test, type Lentera } from './fixtures';

// The panel of session WWC-F01 in the example package, each with an account on their NIP.
const CHAIR = { name: 'ketua1', role: 'chair', nip: '197006201995031002', displayName: 'Dr. Bambang Sutrisno, M.Si.', pin: '735162', newPin: '591736' };
const P1 = { name: 'penguji1', role: 'examiner', nip: '197512082001122004', displayName: 'Ir. Retno Handayani, M.T.', pin: '735162', newPin: '624815' };
const P2 = { name: 'penguji2', role: 'examiner', nip: '198203142006041007', displayName: 'Hendro Prasetyo, S.Kom., M.Kom.', pin: '735162', newPin: '847263' };
type Person = typeof CHAIR;

const SESSION = 'WWC-F01';
const NOMOR = '263374000044'; // in WWC-F01 of the example package
const CRITERIA = ['integritas', 'komunikasi', 'kerjasama', 'pelayanan', 'teknis'] as const;
// Integritas diverges (5, 2 and 4: a spread of 3 above the rubric's 2), so the chair must record a discussion.
const SCORES: Record<string, number[]> = {
  [CHAIR.name]: [4, 4, 3, 4, 5],
  [P1.name]: [5, 4, 4, 3, 4],
  [P2.name]: [2, 3, 4, 4, 4],
};
// Means 11/3, 11/3, 11/3, 11/3, 13/3 weighted 25/20/20/20/15: 1130/300 = 3.7666…
const TOTAL = '3,767';
// The same score on 0–100, as the result sheet and the ranking carry it: 1130/300 ÷ 5 × 100 = 75.333…
const TOTAL_100 = '75,333';

async function addPanelist(lentera: Lentera, p: Person): Promise<void> {
  await lentera.cli(['accounts', 'add', '--name', p.name, '--role', p.role, '--nip', p.nip, '--pin', p.pin, '--display-name', p.displayName]);
}

/** A command as the coordinator would send it, straight to the registry: for set-up that is not the subject here. */
async function asCoordinator(page: Page, url: string, command: string, input: unknown): Promise<unknown> {
  const login = await page.request.post(`${url}/api/accounts.login`, { data: { name: ADMIN.name, pin: ADMIN.pin } });
  const token = ((await login.json()) as { value: { token: string } }).value.token;
  const r = await page.request.post(`${url}/api/${command}`, { data: input, headers: { 'x-lentera-session': token } });
  const body = (await r.json()) as { ok: boolean; value?: unknown; error?: unknown };
  if (!body.ok) throw new Error(`${command}: ${JSON.stringify(body.error)}`);
  return body.value;
}

/** A second browser with its own session, failing the test on any error in its console. */
async function openBrowser(browser: Browser, url: string, problems: string[]): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: url, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
  });
  return { context, page };
}

async function openCandidate(page: Page, nama: string): Promise<void> {
  await sidebar(page).getByRole('link', { name: 'Penilaian' }).click();
  await expect(page.getByLabel('Tahap', { exact: true })).toHaveValue('SKB-WWC');
  await expect(page.getByLabel('Sesi', { exact: true })).toHaveValue(SESSION);
  await page.getByRole('button', { name: `Nilai ${NOMOR} ${nama}` }).click();
  await expect(page.getByRole('heading', { name: `${nama} (${NOMOR})` })).toBeVisible();
  // Keyboard first: the cursor is already in the first criterion.
  await expect(page.getByLabel('Nilai Integritas', { exact: true })).toBeFocused();
}

async function expectAllSaved(page: Page): Promise<void> {
  for (const c of CRITERIA) await expect(page.getByTestId(`save-${c}`)).toHaveText(/^Tersimpan \d{2}\.\d{2} WIB$/);
}

async function submitScores(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Kirim nilai' }).click();
  const dialog = page.getByRole('dialog', { name: /^Kirim nilai untuk / });
  await expect(dialog.getByRole('button', { name: 'Ya, kirim nilai' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('sheet-my-state')).toHaveText(/^Dikirim pukul \d{2}\.\d{2} WIB$/);
}

/** The cells of one criterion's row: label, weight, chair, penguji1, penguji2, panel score, spread. */
function resultRow(page: Page, criterion: string) {
  return page.getByTestId(`result-${criterion}`).locator('th, td');
}

async function signOff(page: Page, pin: string, count: number): Promise<void> {
  await page.getByRole('button', { name: 'Tanda tangani hasil' }).click();
  const dialog = page.getByRole('dialog', { name: `Tanda tangani hasil final sesi ${SESSION}` });
  await expect(dialog.getByLabel('PIN Anda')).toBeFocused();
  await dialog.getByLabel('PIN Anda').fill(pin);
  await dialog.getByRole('button', { name: 'Tanda tangani' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByText(`Anda sudah menandatangani hasil ${count} peserta.`)).toBeVisible();
}

test('a panel scores blind, the chair finalizes, everyone signs, the venue screen shows it; then a CAT score is amended', async ({
  page,
  browser,
  lentera,
}) => {
  test.setTimeout(240_000);
  await importExamplePackage(lentera);
  for (const p of [CHAIR, P1, P2]) await addPanelist(lentera, p);
  const checkIn = (await asCoordinator(page, lentera.url, 'attendance.checkIn', { exam: EXAM_CODE, session: SESSION, nomorPeserta: NOMOR })) as { nama: string };
  const nama = checkIn.nama;

  const problems: string[] = [];
  const [one, two, chair, screen] = await Promise.all([0, 1, 2, 3].map(() => openBrowser(browser, lentera.url, problems)));
  const p1 = one!.page;
  const p2 = two!.page;
  const ch = chair!.page;
  const display = screen!.page;

  // The venue screen needs no login, and shows nothing before a result is final and signed.
  await display.goto(`/#/layar?exam=${EXAM_CODE}&session=${SESSION}`);
  await expect(display.getByRole('heading', { level: 1 })).toHaveText('Seleksi CPNS Pemerintah Kota Semarang Tahun Anggaran 2026');
  await expect(display.getByTestId('display-session')).toHaveText(`Sesi ${SESSION} · Ruang Wawancara A`);
  await expect(display.getByTestId('display-empty')).toHaveText('Belum ada hasil final untuk sesi ini.');

  await Promise.all([
    (async () => {
      await p1.goto('/');
      await loginFirstTime(p1, P1.name, P1.pin, P1.newPin);
    })(),
    (async () => {
      await p2.goto('/');
      await loginFirstTime(p2, P2.name, P2.pin, P2.newPin);
    })(),
    (async () => {
      await ch.goto('/');
      await loginFirstTime(ch, CHAIR.name, CHAIR.pin, CHAIR.newPin);
    })(),
  ]);

  // Both examiners open the same candidate and type at the same time, one key each in turn.
  await openCandidate(p1, nama);
  await openCandidate(p2, nama);
  for (let i = 0; i < CRITERIA.length; i++) {
    await p1.keyboard.type(String(SCORES[P1.name]![i]));
    await p2.keyboard.type(String(SCORES[P2.name]![i]));
    await p1.keyboard.press('Tab');
    await p2.keyboard.press('Enter');
  }
  // Enter on the last criterion lands on the submit button.
  await expect(p2.getByRole('button', { name: 'Kirim nilai' })).toBeFocused();
  await expectAllSaved(p1);
  await expectAllSaved(p2);
  await expect(p1.getByLabel('Nilai Integritas', { exact: true })).toHaveValue('5');
  await expect(p2.getByLabel('Nilai Integritas', { exact: true })).toHaveValue('2');

  // A value off the rubric is refused on the spot and never saved.
  await p1.getByLabel('Nilai Pengetahuan teknis jabatan', { exact: true }).fill('7');
  await expect(p1.getByTestId('save-teknis')).toHaveText('Di luar rentang 1–5.');
  await p1.getByLabel('Nilai Pengetahuan teknis jabatan', { exact: true }).fill('4');
  await expect(p1.getByTestId('save-teknis')).toHaveText(/^Tersimpan/);

  // The coordinator reads the audit log meanwhile: every value is recorded, but another's stays hidden until final.
  await page.goto('/');
  await login(page, ADMIN.name, ADMIN.pin);
  await sidebar(page).getByRole('link', { name: 'Audit' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit');
  const scored = page.getByRole('row').filter({ hasText: 'panel.score' }).filter({ hasText: `user:${P1.name}` }).first();
  await expect(scored.getByTestId('audit-blind')).toHaveText('tersembunyi sampai final');
  await expect(scored).toContainText('"value":tersembunyi sampai final');
  await expect(scored).not.toContainText('"value":null');
  await expect(page.getByTestId('audit-blind-hint')).toContainText('tampil setelah ketua panel memfinalkan peserta');
  await page.getByRole('button', { name: 'Keluar' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Masuk');

  // Before submitting, neither sees anything of the other but "waiting".
  for (const [page, other] of [
    [p1, P2],
    [p2, P1],
  ] as const) {
    await expect(page.getByTestId('panel-result')).toHaveCount(0);
    await expect(page.getByTestId('blind-note')).toHaveText(
      'Nilai penguji lain tampil setelah semua penguji mengirim nilainya. Sesudah itu, mengubah nilai yang sudah dikirim memerlukan catatan diskusi dari anggota panel lain (ketua, atau penguji bila ketua yang mengubah).',
    );
    await expect(page.getByTestId(`panelist-${other.name}`)).toContainText('Menunggu');
    await expect(page.getByTestId('waiting-for')).toHaveText(`Menunggu: ${CHAIR.displayName}, ${P1.displayName}, ${P2.displayName}.`);
  }

  // penguji1 submits: still no table of the panel's values, only who has submitted (a throwaway submission would
  // otherwise show the others before one's real scores).
  await submitScores(p1);
  await expect(p1.getByTestId('sheet-my-state')).toContainText('Dikirim');
  await expect(p1.getByTestId('panel-result')).toHaveCount(0);
  await expect(p1.getByTestId('waiting-for')).toHaveText(`Menunggu: ${CHAIR.displayName}, ${P2.displayName}.`);
  // penguji2 learns that penguji1 submitted, still not what.
  await expect(p2.getByTestId(`panelist-${P1.name}`)).toContainText('Sudah mengirim');
  await expect(p2.getByTestId('panel-result')).toHaveCount(0);

  await submitScores(p2);
  // Two of three: neither sees the other's values yet; penguji1's page follows live.
  await expect(p1.getByTestId('waiting-for')).toHaveText(`Menunggu: ${CHAIR.displayName}.`);
  await expect(p2.getByTestId('waiting-for')).toHaveText(`Menunggu: ${CHAIR.displayName}.`);
  for (const page of [p1, p2]) await expect(page.getByTestId('panel-result')).toHaveCount(0);

  // The chair scores by keyboard, with Enter only, and submits.
  await openCandidate(ch, nama);
  await expect(ch.getByTestId('panel-result')).toHaveCount(0);
  for (const v of SCORES[CHAIR.name]!) {
    await ch.keyboard.type(String(v));
    await ch.keyboard.press('Enter');
  }
  await expectAllSaved(ch);
  await submitScores(ch);

  const expected: Record<string, string[]> = {
    integritas: ['Integritas', '25', '4', '5', '2', '3,667', '3'],
    komunikasi: ['Komunikasi', '20', '4', '4', '3', '3,667', '1'],
    kerjasama: ['Kerja sama', '20', '3', '4', '4', '3,667', '1'],
    pelayanan: ['Orientasi pelayanan publik', '20', '4', '3', '4', '3,667', '1'],
    teknis: ['Pengetahuan teknis jabatan', '15', '5', '4', '4', '4,333', '1'],
  };
  for (const page of [ch, p1, p2]) {
    for (const [c, cells] of Object.entries(expected)) await expect(resultRow(page, c)).toHaveText(cells.map((x, i) => (i === 0 && c === 'integritas' ? /^Integritas/ : x)));
    await expect(page.getByTestId('result-total')).toHaveText(TOTAL);
  }
  await expect(ch.getByTestId('result-integritas')).toHaveClass(/row-divergent/);
  await expect(ch.getByTestId('result-integritas')).toContainText('Berbeda jauh');
  await expect(ch.getByTestId('result-komunikasi')).not.toHaveClass(/row-divergent/);
  await expect(ch.getByTestId('discussion-banner')).toContainText('Integritas');
  await expect(p1.getByTestId('discussion-banner')).toContainText('Integritas');
  // An examiner may record the discussion too, once all have submitted (a chair's own change needs their record).
  await expect(p1.getByRole('button', { name: 'Simpan catatan diskusi' })).toBeVisible();

  // Finalizing must wait for the discussion: the button says so beside it (finalize.spec.ts has the refusal).
  await expect(ch.getByRole('button', { name: 'Finalisasi peserta ini' })).toBeDisabled();
  await expect(ch.getByTestId('finalize-reason')).toHaveText(
    'Belum dapat difinalisasi: nilai panel berbeda jauh pada Integritas. Catat hasil diskusi di atas lebih dulu.',
  );
  await expect(ch.getByLabel('Kriteria yang dibahas')).toHaveValue('integritas');
  await ch.getByLabel('Hasil diskusi', { exact: true }).fill('Panel sepakat: jawaban studi kasus menunjukkan integritas cukup.');
  await ch.getByRole('button', { name: 'Simpan catatan diskusi' }).click();
  await expect(ch.getByTestId('notes')).toContainText('Panel sepakat: jawaban studi kasus menunjukkan integritas cukup.');
  await expect(ch.getByTestId('discussion-banner')).toHaveCount(0);

  await ch.getByRole('button', { name: 'Finalisasi peserta ini' }).click();
  const finalize = ch.getByRole('dialog', { name: `Finalisasi ${nama} (${NOMOR})?` });
  await expect(finalize).toContainText(`Nilai wawancara (skala 1–5): ${TOTAL}.`);
  await finalize.getByRole('button', { name: 'Ya, finalisasi' }).click();
  await expect(ch.getByTestId('sheet-finalization')).toHaveText('Menunggu tanda tangan');
  // Read-only from now on, for everyone.
  await expect(ch.getByLabel('Nilai Integritas', { exact: true })).toHaveJSProperty('readOnly', true);
  await expect(ch.getByRole('button', { name: /^Kirim/ })).toHaveCount(0);
  await expect(p1.getByTestId('sheet-finalization')).toHaveText('Menunggu tanda tangan');
  await expect(p1.getByLabel('Nilai Integritas', { exact: true })).toHaveJSProperty('readOnly', true);

  // Each panelist signs with their PIN; a wrong PIN signs nothing.
  await ch.getByRole('button', { name: 'Kembali ke daftar peserta' }).click();
  await expect(ch.getByRole('link', { name: 'Buka layar hasil' })).toHaveAttribute('href', `#/layar?exam=${EXAM_CODE}&session=${SESSION}`);
  await ch.getByRole('button', { name: 'Tanda tangani hasil' }).click();
  const wrong = ch.getByRole('dialog');
  await wrong.getByLabel('PIN Anda').fill('111111');
  await wrong.getByRole('button', { name: 'Tanda tangani' }).click();
  // A sign-off PIN counts on the same lock as the login: the attempts left are said.
  await expect(wrong.getByRole('alert')).toHaveText('PIN salah. Tidak ada yang ditandatangani. Sisa 4 kali percobaan sebelum akun dikunci.');
  await wrong.getByRole('button', { name: 'Batal' }).click();
  await signOff(ch, CHAIR.newPin, 1);
  for (const [page, person] of [
    [p1, P1],
    [p2, P2],
  ] as const) {
    await page.getByRole('button', { name: 'Kembali ke daftar peserta' }).click();
    // Not all have signed: the screen still shows nothing.
    await expect(display.getByTestId('display-empty')).toBeVisible();
    await signOff(page, person.newPin, 1);
  }

  // Signed by all: final everywhere, and on the venue screen at once, with a decimal comma.
  await expect(ch.getByTestId(`panel-row-${NOMOR}`)).toContainText('Final');
  const row = display.getByTestId(`display-row-${NOMOR}`);
  await expect(row.getByRole('cell')).toHaveText(['1', NOMOR, nama, TOTAL, TOTAL_100]);
  await expect(display.getByRole('columnheader')).toHaveText(['No.', 'Nomor peserta', 'Nama', 'Nilai wawancara (skala 1–5)', 'Nilai wawancara (skala 0–100)']);

  // Final: the audit log shows the panelists' values to the chair now.
  await sidebar(ch).getByRole('link', { name: 'Audit' }).click();
  await expect(ch.getByRole('heading', { level: 1 })).toHaveText('Audit');
  await expect(ch.getByRole('row').filter({ hasText: 'panel.score' }).filter({ hasText: `user:${P2.name}` }).first()).toContainText('"value":');
  await expect(ch.getByTestId('audit-blind')).toHaveCount(0);
  await expect(ch.getByTestId('audit-blind-hint')).toHaveCount(0);
  await sidebar(ch).getByRole('link', { name: 'Penilaian' }).click();

  // The chair sees the finalized interview scores in the scores table, each panelist's value shown.
  await expect(ch.getByTestId(`score-${NOMOR}-integritas-${P2.name}`).getByTestId('score-value')).toHaveText('2');
  await expect(ch.getByTestId(`score-${NOMOR}-integritas-${P2.name}`)).toContainText('Final');

  // --- An amendment: a CAT score imported by the coordinator, corrected with a reason, approved by another person.
  await page.goto('/');
  await login(page, ADMIN.name, ADMIN.pin);
  await sidebar(page).getByRole('link', { name: 'Penilaian' }).click();
  await page.getByLabel('Tahap', { exact: true }).selectOption('SKD');
  const file = page.getByLabel('Berkas hasil CAT');
  await file.setInputFiles({
    name: 'skd-salah.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`nomor_peserta;twk;tiu;tkp\n${NOMOR};81;95;170\n263374009999;80;95;170\n`),
  });
  await expect(page.getByTestId('cat-count-problems')).toHaveText('2');
  const catProblems = page.getByTestId('cat-problems').locator('tbody tr');
  await expect(catProblems.nth(0).getByRole('cell')).toHaveText(['2', 'twk', /multiple of the step 5/]);
  await expect(catProblems.nth(1).getByRole('cell')).toHaveText(['3', 'nomor_peserta', 'unknown candidate 263374009999']);
  await expect(page.getByRole('button', { name: /^Impor \d+ nilai$/ })).toBeDisabled();

  await file.setInputFiles({ name: 'skd-hasil.csv', mimeType: 'text/csv', buffer: Buffer.from(`nomor_peserta;twk;tiu;tkp\n${NOMOR};80;95;170\n`) });
  for (const [key, n] of Object.entries({ rows: '1', written: '3', unchanged: '0', problems: '0' })) await expect(page.getByTestId(`cat-count-${key}`)).toHaveText(n);
  await page.getByRole('button', { name: 'Impor 3 nilai' }).click();
  await expect(page.getByText('skd-hasil.csv sudah diimpor: 3 nilai ditulis, 0 tidak berubah.')).toBeVisible();
  const twk = page.getByTestId(`score-${NOMOR}-twk`);
  await expect(twk.getByRole('cell')).toHaveText([NOMOR, nama, 'Tes Wawasan Kebangsaan', '80', 'Terkonfirmasi', 'Riwayat']);

  // The chair asks for the amendment from the score's history.
  await ch.getByLabel('Tahap', { exact: true }).selectOption('SKD');
  await ch.getByRole('button', { name: `Riwayat Tes Wawasan Kebangsaan peserta ${NOMOR}` }).click();
  const history = ch.getByRole('dialog', { name: `Riwayat Tes Wawasan Kebangsaan — ${NOMOR}` });
  await expect(history.getByTestId('history-row')).toHaveCount(1);
  await history.getByLabel('Nilai baru Tes Wawasan Kebangsaan').fill('85');
  await history.getByLabel('Alasan amandemen').fill('Sanggah diterima: kunci jawaban soal 17 diperbaiki');
  await history.getByRole('button', { name: 'Kirim permintaan amandemen' }).click();
  await expect(history.getByRole('status')).toHaveText('Permintaan amandemen terkirim: 80 → 85. Menunggu keputusan koordinator.');
  await history.getByRole('button', { name: 'Tutup' }).click();
  // The requester cannot decide it.
  await expect(ch.getByRole('button', { name: /^Setujui/ })).toHaveCount(0);

  // The coordinator approves.
  await page.reload();
  const request = page.getByTestId(`amendment-${NOMOR}-twk`);
  await expect(request.getByRole('cell').nth(3)).toHaveText('80');
  await expect(request.getByRole('cell').nth(4)).toHaveText('85');
  await expect(request).toContainText('Menunggu');
  await page.getByRole('button', { name: `Setujui amandemen twk peserta ${NOMOR}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Ya, setujui' }).click();
  await expect(page.getByText(`Amandemen nilai ${NOMOR} disetujui; nilai baru berlaku.`)).toBeVisible();
  await expect(request).toContainText('Disetujui');
  await expect(twk.getByRole('cell')).toHaveText([NOMOR, nama, 'Tes Wawasan Kebangsaan', '85', 'Diamandemen', 'Riwayat']);

  // The history keeps both: the imported 80 with its file, the amended 85 with its reason.
  await twk.getByRole('button', { name: 'Riwayat' }).click();
  const lines = page.getByRole('dialog').getByTestId('history-row');
  await expect(lines).toHaveCount(2);
  await expect(lines.nth(0).getByRole('cell')).toHaveText(['1', '80', 'Impor CAT', ADMIN.name, /WIB$/, '—', 'skd-hasil.csv']);
  await expect(lines.nth(1).getByRole('cell')).toHaveText(['2', '85', 'Amandemen', ADMIN.name, /WIB$/, 'Sanggah diterima: kunci jawaban soal 17 diperbaiki', '—']);
  // The chair's table follows live.
  await expect(ch.getByTestId(`score-${NOMOR}-twk`).getByTestId('score-value')).toHaveText('85');

  for (const b of [one, two, chair, screen]) await b!.context.close();
  expect(problems, 'errors in the other browsers').toEqual([]);
});

test('the panel of a session answered late never replaces the panel of the session picked after it', async ({ page, lentera }) => {
  await importExamplePackage(lentera);
  await page.goto('/');
  await login(page, ADMIN.name, ADMIN.pin);
  // The server is slow to answer the overview of the session the page opens on; the one picked next is answered at
  // once, so the slow answer arrives after it.
  const slow = await answerLate(page, 'panel.overview', (body) => body.session === SESSION);
  const slowAsked = page.waitForRequest((r) => r.url().endsWith('/api/panel.overview'));
  await sidebar(page).getByRole('link', { name: 'Penilaian' }).click();
  await page.getByLabel('Tahap', { exact: true }).selectOption('SKB-WWC');
  await page.getByLabel('Sesi', { exact: true }).selectOption(SESSION);
  await slowAsked;
  await page.getByLabel('Sesi', { exact: true }).selectOption('WWC-F02');
  const members = page.getByRole('list', { name: 'Panel penguji' });
  await expect(members).toBeVisible();
  const f02 = await members.innerText();
  await slow.answered;
  // Two frames for anything the late answer would do.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  expect(await members.innerText()).toBe(f02);
  await expect(page.getByRole('heading', { level: 2, name: /WWC-F02/ })).toBeVisible();
  // The two sessions have different panels, so the late answer would have shown.
  await page.getByLabel('Sesi', { exact: true }).selectOption(SESSION);
  await expect(members).not.toHaveText(f02);
  expect(await members.innerText()).toContain(CHAIR.displayName);
});
