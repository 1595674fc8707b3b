import { appendEvent } from '../../src-main/core/audit/chain';
import { ADMIN, chainSeq, expect, login, sidebar, test, workstationDb } from './fixtures';

interface Status {
  workstationId: string;
  chainHead: { seq: number; hash: string };
}

test('the status bar shows the workstation and the chain head, and the head moves after audited actions', async ({ page, lentera, request }) => {
  const status = JSON.parse(await lentera.cli(['status', '--json'])) as Status;
  await page.goto('/');
  await expect(page.getByTestId('workstation-id')).toHaveText(status.workstationId);
  const head = page.getByTestId('chain-head');
  await expect(head).toHaveText(`#${status.chainHead.seq} ${status.chainHead.hash.slice(0, 16)}`);
  await expect(head).toHaveAttribute('title', new RegExp(status.chainHead.hash));

  // Logging in is audited: the head moves on.
  const beforeLogin = await chainSeq(page);
  await login(page, ADMIN.name, ADMIN.pin);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Selamat datang, ${ADMIN.displayName}`);
  await expect.poll(() => chainSeq(page)).toBeGreaterThan(beforeLogin);
  const afterLogin = JSON.parse(await lentera.cli(['status', '--json'])) as Status;
  await expect(head).toHaveText(`#${afterLogin.chainHead.seq} ${afterLogin.chainHead.hash.slice(0, 16)}`);

  // A change made elsewhere (another client of the same server) arrives live, through the audit.head event.
  const seq = await chainSeq(page);
  const other = await request.post('/api/accounts.login', { data: { name: ADMIN.name, pin: ADMIN.pin } });
  expect(other.status()).toBe(200);
  await expect.poll(() => chainSeq(page)).toBe(seq + 1);

  // The audit page lists the events and verifies the whole chain.
  await sidebar(page).getByRole('link', { name: 'Audit' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit');
  await expect(page.getByRole('cell', { name: 'accounts.login' }).first()).toBeVisible();
  await page.getByRole('button', { name: 'Verifikasi rantai' }).click();
  const n = await chainSeq(page);
  await expect(page.getByTestId('verify-result')).toContainText(`Rantai utuh: ${n} peristiwa diperiksa, kepala #${n}`);
});

test('when the clock is behind the last record (put back at the venue), the coordinator is told by how much', async ({ page, lentera }) => {
  await page.goto('/');
  await login(page, ADMIN.name, ADMIN.pin);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Selamat datang, ${ADMIN.displayName}`);
  await expect(page.getByTestId('clock-behind')).toHaveCount(0);
  // The last record dated ten minutes ahead of this clock, as when a laptop's clock is corrected back ten minutes
  // after the last write: an event appended to the chain as the workstation appends one.
  const db = workstationDb(lentera.dataDir, false);
  try {
    db.transaction(() => appendEvent(db, { at: new Date(Date.now() + 10 * 60_000).toISOString(), actor: 'test:e2e', command: 'test.clock', outcome: 'ok', payload: null }))();
  } finally {
    db.close();
  }
  // The status is read again after this window's next command.
  await sidebar(page).getByRole('link', { name: 'Audit' }).click();
  await expect(page.getByTestId('clock-behind')).toHaveText('Jam komputer ini 10 menit di belakang catatan terakhir: yang dicatat sekarang diberi waktu tepat sesudah catatan itu sampai jam menyusul.');
});
