import type { Page, Route } from '@playwright/test';
import { appendEvent } from '../../src-main/core/audit/chain';
import { demoTest, EXAM_CODE, expect, login, sidebar, workstationDb } from './fixtures';


const test = demoTest('progress');

// `lentera demo` builds a venue of 300 candidates with scores and interviews before the test starts.
test.describe.configure({ timeout: 150_000 });

/**
 * A workstation after a long day: thousands of events in its chain (the demo writes its venue without them),
 * appended as the registry does, each linked to the one before.
 */
function longHistory(dataDir: string, n: number): void {
  const db = workstationDb(dataDir, false);
  try {
    db.pragma('busy_timeout = 5000');
    db.transaction(() => {
      for (let i = 0; i < n; i++) {
        appendEvent(db, { at: new Date().toISOString(), actor: 'user:koordinator', command: 'settings.set', outcome: 'ok', payload: { key: `catatan.${i}`, value: String(i) } });
      }
    })();
  } finally {
    db.close();
  }
}

const count = (n: number) => new Intl.NumberFormat('id-ID').format(n);

/**
 * Holds the answer of one command until `release` is called: on a fast machine the work is over before the
 * test can look, so the test keeps the page waiting for the answer (the product is not slowed down). The
 * progress the workstation published meanwhile comes through the live events, which are not held.
 */
async function holdAnswer(page: Page, command: string): Promise<{ release: () => void }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(`**/api/${command}`, async (route: Route) => {
    const response = await route.fetch();
    await released;
    await route.fulfill({ response });
  });
  return { release };
}

test('chain verification and bundle export show their progress while they run, then say the result', async ({ page, demo }) => {
  longHistory(demo.dataDir, 4000);
  await page.goto('/');
  await login(page, 'koordinator', demo.pin);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Selamat datang, /);

  // --- Chain verification: thousands of events, checked in batches.
  await sidebar(page).getByRole('link', { name: 'Audit' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit');
  const verify = page.getByRole('button', { name: /^(Verifikasi rantai|Memverifikasi…)$/ });
  await expect(page.getByTestId('verify-progress')).toHaveCount(0);

  let held = await holdAnswer(page, 'audit.verify');
  await verify.click();
  await expect(verify).toBeDisabled();
  await expect(verify).toHaveText('Memverifikasi…');
  const bar = page.getByTestId('verify-progress').getByRole('progressbar');
  await expect(bar).toBeVisible();
  // The workstation counted the events as it went; the last report is "all of them".
  const progressText = page.getByTestId('verify-progress-text');
  await expect(progressText).toHaveText(/^Memverifikasi rantai: [\d.]+ dari [\d.]+ peristiwa sudah diperiksa…$/);
  const total = Number(/dari ([\d.]+)/.exec((await progressText.textContent()) ?? '')![1]!.replace(/\./g, ''));
  // More than one batch of 500: the count moved several times before this last report.
  expect(total).toBeGreaterThan(1000);
  await expect(progressText).toHaveText(`Memverifikasi rantai: ${count(total)} dari ${count(total)} peristiwa sudah diperiksa…`);
  await expect(bar).toHaveAttribute('max', String(total));
  await expect(bar).toHaveAttribute('value', String(total));
  await expect(verify).toHaveAccessibleDescription(/^Memverifikasi rantai: /);
  held.release();
  await expect(page.getByTestId('verify-result')).toHaveText(new RegExp(`^Rantai utuh: ${total} peristiwa diperiksa, kepala #${total} `));
  await expect(page.getByTestId('verify-progress')).toHaveCount(0);
  await expect(verify).toBeEnabled();
  await page.unroute('**/api/audit.verify');

  // Unhappy path: someone edits an event in the file (dropping the triggers that forbid it). The walk stops
  // at that event and says so; the progress goes away.
  const bad = Math.floor(total / 2);
  const db = workstationDb(demo.dataDir, false);
  try {
    db.pragma('busy_timeout = 5000');
    db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
    db.prepare("UPDATE audit_events SET actor = 'user:penyusup' WHERE seq = ?").run(bad);
  } finally {
    db.close();
  }
  held = await holdAnswer(page, 'audit.verify');
  await verify.click();
  await expect(page.getByTestId('verify-progress').getByRole('progressbar')).toBeVisible();
  held.release();
  await expect(page.getByTestId('verify-result')).toHaveText(
    `Rantai RUSAK mulai peristiwa #${bad} (${bad - 1} peristiwa sebelumnya utuh): event ${bad} was changed after it was written (hash mismatch)`,
  );
  await expect(page.getByTestId('verify-progress')).toHaveCount(0);
  await expect(verify).toBeEnabled();
  await page.unroute('**/api/audit.verify');

  // --- Bundle export: records by kind, the PDFs, then the zip, each reported as it goes.
  await sidebar(page).getByRole('link', { name: 'Bundel & Publikasi' }).click();
  const exp = page.getByRole('region', { name: 'Ekspor bundel' });
  await expect(exp.getByLabel('Ujian')).toHaveValue(EXAM_CODE);
  const submit = exp.getByRole('button', { name: /^(Ekspor bundel|Mengekspor…)$/ });

  // Unhappy path first: a wrong passphrase stops it, said beside the button, and nothing is left running.
  await exp.getByLabel('Frasa sandi kunci tanda tangan').fill('bukan-frasa-sandi-ini');
  await submit.click();
  await expect(exp.getByRole('alert')).toContainText('Frasa sandi salah; tidak ada bundel yang dibuat.');
  await expect(exp.getByTestId('bundle-export-progress')).toHaveCount(0);
  await expect(submit).toBeEnabled();

  held = await holdAnswer(page, 'bundle.export');
  await exp.getByLabel('Frasa sandi kunci tanda tangan').fill(demo.passphrase);
  await submit.click();
  await expect(submit).toBeDisabled();
  await expect(submit).toHaveText('Mengekspor…');
  await expect(exp.getByRole('alert')).toHaveCount(0);
  const progress = exp.getByTestId('bundle-export-progress');
  await expect(progress.getByRole('progressbar', { name: 'Ekspor bundel sedang berjalan' })).toBeVisible();
  await expect(progress).toContainText(`Menandatangani dan mengemas bundel ${EXAM_CODE}…`);
  // The last step reported: the zip, all of its files.
  await expect(exp.getByTestId('bundle-export-step')).toHaveText(/^Mengemas dan menyegel berkas (\d+)\/\1$/);
  held.release();
  await expect(exp.getByTestId('bundle-exported')).toHaveText(new RegExp(`^Bundel 1 ujian ${EXAM_CODE} dibuat: \\d+ berkas, `));
  await expect(progress).toHaveCount(0);
  await expect(submit).toBeEnabled();
});
