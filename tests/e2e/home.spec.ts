import { demoTest, expect, login, workstationDb } from './fixtures';

const test = demoTest('home');

// `lentera demo` builds a venue of 300 candidates with scores and interviews before the test starts.
test.describe.configure({ timeout: 150_000 });

/** A candidate of WWC-F04 (13.00 on the demo's interview day, begun, nobody checked in), read from the data. */
function waitingCandidate(dataDir: string): string {
  const db = workstationDb(dataDir);
  try {
    return db
      .prepare("SELECT sc.nomor_peserta FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id WHERE s.code = 'WWC-F04' ORDER BY 1 LIMIT 1")
      .pluck()
      .get() as string;
  } finally {
    db.close();
  }
}

test('the coordinator sees the tasks of today from the data, follows one, and it shrinks once done', async ({ page, demo }) => {
  await page.goto('/');
  await login(page, 'koordinator', demo.pins.koordinator!);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Selamat datang, Sri Wahyuni, S.Sos.');
  const tasks = page.getByTestId('home-tasks');
  const door = tasks.getByRole('listitem').filter({ hasText: 'sesi WWC-F04 belum tercatat hadir' });
  await expect(door).toContainText('9 peserta sesi WWC-F04 belum tercatat hadir, padahal sesi sudah dimulai.');
  await expect(tasks).toContainText('3 peserta sesi WWC-F02 siap difinalisasi ketua panel.');
  await expect(tasks).toContainText('Berita acara sesi WWC-F01 belum dibuat dan ditandatangani.');
  // Check-in is more urgent than the paperwork of a finished session.
  const texts = await tasks.getByRole('listitem').allTextContents();
  expect(texts.findIndex((x) => x.includes('WWC-F04'))).toBeLessThan(texts.findIndex((x) => x.includes('Berita acara')));
  // The old static advice is gone.
  await expect(page.getByText('Tambahkan penguji, petugas, dan pengawas di halaman Pengguna.')).toHaveCount(0);

  // The link leads to the attendance page, on that very session.
  await door.getByRole('link', { name: 'Catat kehadiran' }).click();
  await expect(page).toHaveURL(/#\/attendance$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Kehadiran');
  // Exact: the attendance table's frame, once it scrolls, is a region named by its caption ("… di sesi WWC-F04").
  await expect(page.getByLabel('Sesi', { exact: true })).toHaveValue('WWC-F04');
  const input = page.getByLabel('Nomor peserta');
  await input.fill(waitingCandidate(demo.dataDir));
  await input.press('Enter');
  await expect(page.getByTestId('checkin-result')).toHaveClass(/checkin-ok/);

  await page.goto('/#/home');
  await expect(door).toContainText('8 peserta sesi WWC-F04 belum tercatat hadir');
});

test('an examiner sees their own tasks, not those of the coordinator; one with nothing waiting is told so', async ({ page, demo }) => {
  await page.goto('/');
  await login(page, 'penguji1', demo.pins.penguji1!);
  const tasks = page.getByTestId('home-tasks');
  await expect(tasks).toContainText('12 peserta sesi WWC-F03 menunggu nilai Anda.');
  await expect(tasks).not.toContainText('belum tercatat hadir');
  await expect(tasks).not.toContainText('difinalisasi');
  await tasks.getByRole('link', { name: 'Buka Penilaian' }).click();
  await expect(page).toHaveURL(/#\/scoring$/);

  // Panel B's examiner has submitted every candidate who came: nothing waits on them.
  await page.getByRole('button', { name: 'Keluar' }).click();
  await login(page, 'penguji3', demo.pins.penguji3!);
  await expect(page.getByRole('region', { name: 'Tidak ada yang menunggu Anda saat ini' })).toBeVisible();
  await expect(page.getByTestId('home-tasks')).toHaveCount(0);
});
