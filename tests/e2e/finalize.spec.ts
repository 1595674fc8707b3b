import type { APIRequestContext, Page } from '@playwright/test';
import { ADMIN, EXAM_CODE, expect, importExamplePackage, loginFirstTime, sidebar, test, type Lentera } from './fixtures';

// The panel of session WWC-F01 in the example package, each with an account on their NIP.
const CHAIR = { name: 'ketua1', role: 'chair', nip: '197006201995031002', displayName: 'Dr. Bambang Sutrisno, M.Si.', pin: '735162', newPin: '591736' };
const P1 = { name: 'penguji1', role: 'examiner', nip: '197512082001122004', displayName: 'Ir. Retno Handayani, M.T.', pin: '735162', newPin: '428615' };
const P2 = { name: 'penguji2', role: 'examiner', nip: '198203142006041007', displayName: 'Hendro Prasetyo, S.Kom., M.Kom.', pin: '735162', newPin: '428615' };

const SESSION = 'WWC-F01';
const NOMOR = '263374000044'; // in WWC-F01 of the example package
const CRITERIA = ['integritas', 'komunikasi', 'kerjasama', 'pelayanan', 'teknis'] as const;
const LABELS = 'Integritas, Komunikasi, Kerja sama, Orientasi pelayanan publik, Pengetahuan teknis jabatan';

/** A person's session token, logged in straight at the registry: the panelists' scoring is set-up here, not the subject. */
async function token(request: APIRequestContext, url: string, name: string, pin: string): Promise<string> {
  const r = await request.post(`${url}/api/accounts.login`, { data: { name, pin } });
  return ((await r.json()) as { value: { token: string } }).value.token;
}

async function call(request: APIRequestContext, url: string, tok: string, command: string, input: unknown): Promise<unknown> {
  const r = await request.post(`${url}/api/${command}`, { data: input, headers: { 'x-lentera-session': tok } });
  const body = (await r.json()) as { ok: boolean; value?: unknown; error?: unknown };
  if (!body.ok) throw new Error(`${command}: ${JSON.stringify(body.error)}`);
  return body.value;
}

/** A panelist added by the CLI, logged in at the registry: they choose their own PIN first, as the window would ask. */
async function panelistToken(request: APIRequestContext, url: string, p: { name: string; pin: string; newPin: string }): Promise<string> {
  const tok = await token(request, url, p.name, p.pin);
  await call(request, url, tok, 'accounts.changePin', { currentPin: p.pin, newPin: p.newPin });
  return tok;
}

/** Scores every criterion (the same value, integritas apart) and submits. */
async function scoreAndSubmit(request: APIRequestContext, url: string, tok: string, integritas: number): Promise<void> {
  for (const c of CRITERIA) {
    await call(request, url, tok, 'panel.score', { exam: EXAM_CODE, session: SESSION, nomorPeserta: NOMOR, criterion: c, value: c === 'integritas' ? integritas : 4 });
  }
  await call(request, url, tok, 'panel.submit', { exam: EXAM_CODE, session: SESSION, nomorPeserta: NOMOR });
}

async function openPanel(page: Page): Promise<void> {
  await sidebar(page).getByRole('link', { name: 'Penilaian' }).click();
  await expect(page.getByLabel('Sesi', { exact: true })).toHaveValue(SESSION);
  await expect(page.getByTestId('panel-overview')).toBeVisible();
}

async function setUp(lentera: Lentera, request: APIRequestContext): Promise<string> {
  await importExamplePackage(lentera);
  for (const p of [CHAIR, P1, P2]) {
    await lentera.cli(['accounts', 'add', '--name', p.name, '--role', p.role, '--nip', p.nip, '--pin', p.pin, '--display-name', p.displayName]);
  }
  const admin = await token(request, lentera.url, ADMIN.name, ADMIN.pin);
  const checkIn = (await call(request, lentera.url, admin, 'attendance.checkIn', { exam: EXAM_CODE, session: SESSION, nomorPeserta: NOMOR })) as { nama: string };
  return checkIn.nama;
}

test('the chair sees why finalizing must wait, what it locks, and a refusal beside the button that goes once its cause is fixed', async ({ page, lentera }) => {
  test.setTimeout(120_000);
  const request = page.request;
  const nama = await setUp(lentera, request);
  const p1 = await panelistToken(request, lentera.url, P1);
  const p2 = await panelistToken(request, lentera.url, P2);
  await scoreAndSubmit(request, lentera.url, p1, 4);
  await scoreAndSubmit(request, lentera.url, p2, 4);

  await page.goto('/');
  await loginFirstTime(page, CHAIR.name, CHAIR.pin, CHAIR.newPin);
  await openPanel(page);

  // The session cannot be finalized while the chair's own scores are missing: the button says why, beside it.
  const finalizeSession = page.getByRole('button', { name: 'Finalisasi sesi' });
  await expect(finalizeSession).toBeDisabled();
  await expect(page.getByTestId('finalize-session-reason')).toHaveText(
    `Sesi belum dapat difinalisasi: 1 peserta masih menunggu nilai (${nama}). Finalisasi per peserta tetap dapat dilakukan untuk yang sudah siap.`,
  );
  await expect(finalizeSession).toHaveAccessibleDescription(/^Sesi belum dapat difinalisasi/);

  // So is the candidate.
  await page.getByRole('button', { name: `Nilai ${NOMOR} ${nama}` }).click();
  const block = page.getByTestId('finalize');
  const finalizeOne = block.getByRole('button', { name: 'Finalisasi peserta ini' });
  await expect(finalizeOne).toBeDisabled();
  await expect(block.getByTestId('finalize-reason')).toHaveText(`Belum dapat difinalisasi: masih menunggu nilai dari ${CHAIR.displayName}.`);

  // The chair submits (from another device): the page follows live, and the button is ready, with no reason left.
  const chair = await token(request, lentera.url, CHAIR.name, CHAIR.newPin);
  await scoreAndSubmit(request, lentera.url, chair, 4);
  await expect(finalizeOne).toBeEnabled();
  await expect(block.getByTestId('finalize-reason')).toHaveCount(0);

  // The confirmation says exactly what becomes unchangeable.
  await finalizeOne.click();
  const dialog = page.getByRole('dialog', { name: `Finalisasi ${nama} (${NOMOR})?` });
  await expect(dialog).toContainText(`Nilai wawancara (skala 1–5): 4,000.`);
  await expect(dialog).toContainText(`Setelah difinalisasi, nilai wawancara ${nama} terkunci:`);
  await expect(dialog.getByTestId('finalize-locks').getByRole('listitem')).toHaveText([
    `nilai yang dikirim 3 panelis (${CHAIR.displayName}, ${P1.displayName}, ${P2.displayName}): tidak dapat diubah atau dikirim ulang;`,
    `nilai panel untuk 5 kriteria: ${LABELS};`,
    'nilai wawancara hasil panel.',
  ]);
  await expect(dialog).toContainText('Koreksi sesudahnya hanya melalui amandemen yang disetujui koordinator.');

  // Meanwhile, at the chair's tablet, the panel talks it over and penguji2 changes their mind (everyone has submitted,
  // so a change needs a recorded discussion first): integritas now diverges (4, 4, 1), after what was discussed. The
  // chair's confirmation is refused, and the refusal is said beside the button, not at the top of the page.
  await call(request, lentera.url, chair, 'panel.note', { exam: EXAM_CODE, session: SESSION, nomorPeserta: NOMOR, note: 'Panel membahas jawaban studi kasus.' });
  await scoreAndSubmit(request, lentera.url, p2, 1);
  await dialog.getByRole('button', { name: 'Ya, finalisasi' }).click();
  await expect(dialog).toHaveCount(0);
  const refusal = `Peserta ${NOMOR} belum dapat difinalisasi: nilai panel berbeda jauh pada Integritas. Catat hasil diskusi lebih dulu.`;
  await expect(block.getByRole('alert')).toHaveText(refusal);
  await expect(page.getByRole('alert')).toHaveCount(1);
  await expect(block.locator('.finalize-error')).toBeFocused();
  await expect(block.getByRole('alert')).toBeInViewport();
  // The button agrees with the refusal.
  await expect(finalizeOne).toBeDisabled();
  await expect(block.getByTestId('finalize-reason')).toHaveText(
    'Belum dapat difinalisasi: nilai panel berbeda jauh pada Integritas. Catat hasil diskusi di atas lebih dulu.',
  );
  await expect(sheetFinalization(page)).toHaveText('Terbuka');

  // The discussion is recorded: the stale refusal goes, the success stays alone, the button is ready again.
  await page.getByLabel('Hasil diskusi', { exact: true }).fill('Panel sepakat setelah membahas jawaban studi kasus integritas.');
  await page.getByRole('button', { name: 'Simpan catatan diskusi' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Catatan diskusi sudah disimpan.' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(finalizeOne).toBeEnabled();
  await expect(block.getByTestId('finalize-reason')).toHaveCount(0);

  await finalizeOne.click();
  await page.getByRole('dialog').getByRole('button', { name: 'Ya, finalisasi' }).click();
  await expect(sheetFinalization(page)).toHaveText('Menunggu tanda tangan');
  await expect(page.getByTestId('finalize')).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('the session is finalized only when every attending candidate is ready; the dialog lists who is locked', async ({ page, lentera }) => {
  test.setTimeout(120_000);
  const request = page.request;
  const nama = await setUp(lentera, request);
  for (const p of [P1, P2]) await scoreAndSubmit(request, lentera.url, await panelistToken(request, lentera.url, p), p === P2 ? 1 : 5);

  await page.goto('/');
  await loginFirstTime(page, CHAIR.name, CHAIR.pin, CHAIR.newPin);
  await scoreAndSubmit(request, lentera.url, await token(request, lentera.url, CHAIR.name, CHAIR.newPin), 4);
  await openPanel(page);

  // Every panelist submitted, but integritas diverges (4, 5, 1): the session waits for the discussion.
  const finalizeSession = page.getByRole('button', { name: 'Finalisasi sesi' });
  await expect(finalizeSession).toBeDisabled();
  await expect(page.getByTestId('finalize-session-reason')).toHaveText(
    `Sesi belum dapat difinalisasi: 1 peserta perlu dicatat hasil diskusinya (${nama}). Finalisasi per peserta tetap dapat dilakukan untuk yang sudah siap.`,
  );

  // The discussion is recorded (on another device): the list follows live and the session is ready.
  const chair = await token(request, lentera.url, CHAIR.name, CHAIR.newPin);
  await call(request, lentera.url, chair, 'panel.note', { exam: EXAM_CODE, session: SESSION, nomorPeserta: NOMOR, criterion: 'integritas', note: 'Panel sepakat setelah diskusi.' });
  await expect(finalizeSession).toBeEnabled();
  await expect(page.getByTestId('finalize-session-reason')).toHaveCount(0);

  await finalizeSession.click();
  const dialog = page.getByRole('dialog', { name: `Finalisasi semua peserta sesi ${SESSION}?` });
  await expect(dialog).toContainText('Setelah difinalisasi, nilai wawancara 1 peserta berikut terkunci');
  await expect(dialog.getByTestId('finalize-locks').getByRole('listitem')).toHaveText([`${nama} (${NOMOR})`]);
  await dialog.getByRole('button', { name: 'Ya, finalisasi sesi' }).click();
  await expect(page.getByRole('status').filter({ hasText: '1 peserta sudah difinalisasi.' })).toBeVisible();
  await expect(page.getByTestId(`panel-row-${NOMOR}`)).toContainText('Menunggu tanda tangan');
  await expect(finalizeSession).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(0);
});

function sheetFinalization(page: Page) {
  return page.getByTestId('sheet-finalization');
}
