import { EXAM_CODE, expect, importExamplePackage, loginFirstTime, sidebar, test } from './fixtures';

const CLERK = { name: 'petugas', role: 'clerk' as const, pin: '735162', displayName: 'Andi Firmansyah' };

test.use({ users: [CLERK] });

test.beforeEach(async ({ page, lentera }) => {
  await importExamplePackage(lentera);
  await page.goto('/');
  await loginFirstTime(page, CLERK.name, CLERK.pin, '591736');
  await sidebar(page).getByRole('link', { name: 'Kehadiran' }).click();
  await expect(page.getByLabel('Ujian')).toHaveValue(EXAM_CODE);
});

test('a clerk arrows through every session of the dropdown; the number field takes the focus only once the choice is made', async ({ page }) => {
  // Exact: once a session is chosen, its list's scrolling frame is a region named "… terdaftar di sesi …".
  const sessionSelect = page.getByLabel('Sesi', { exact: true });
  const input = page.getByLabel('Nomor peserta');
  const facts = page.getByTestId('session-facts');
  // The exam's sessions arrive after the exam is chosen: an arrow pressed on the dropdown before them moves nothing.
  await expect(sessionSelect.locator('option[value="WWC-F02"]')).toHaveCount(1);
  await sessionSelect.focus();

  // Browsing with the arrows shows each session's facts but leaves the focus on the dropdown, past the first open one.
  await page.keyboard.press('ArrowDown');
  await expect(sessionSelect).toHaveValue('SKD-1');
  await expect(facts).toContainText('Ruang CAT 1');
  await expect(sessionSelect).toBeFocused();
  for (const code of ['SKD-2', 'SKD-3', 'SKB-CAT-1', 'PRAKTIK-F04', 'WWC-F01', 'WWC-F02']) {
    await page.keyboard.press('ArrowDown');
    await expect(sessionSelect).toHaveValue(code);
    await expect(sessionSelect).toBeFocused();
  }
  await expect(facts).toContainText('Ruang Wawancara B');
  await expect(facts).toContainText('Rabu, 2 Desember 2026, 13.00 WIB');
  await page.keyboard.press('ArrowUp');
  await expect(sessionSelect).toHaveValue('WWC-F01');
  await expect(facts).toContainText('Ruang Wawancara A');
  await expect(sessionSelect).toBeFocused();

  // Enter commits the choice: the scanner's field is ready.
  await page.keyboard.press('Enter');
  await expect(input).toBeFocused();
  await expect(sessionSelect).toHaveValue('WWC-F01');

  // Back to the dropdown, on to another session, and Tab commits it just as well.
  await page.keyboard.press('Shift+Tab');
  await expect(sessionSelect).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(sessionSelect).toHaveValue('WWC-F02');
  await expect(sessionSelect).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(input).toBeFocused();
  await expect(facts).toContainText('Ruang Wawancara B');

  // A card scanned while the dropdown still has the focus lands in the number field, not in the dropdown.
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('ArrowUp');
  await expect(sessionSelect).toHaveValue('WWC-F01');
  await page.keyboard.type('263374000044');
  await page.keyboard.press('Enter');
  await expect(sessionSelect).toHaveValue('WWC-F01');
  await expect(page.getByTestId('checkin-result')).toHaveClass(/checkin-ok/);
  await expect(page.getByTestId('checkin-result')).toContainText('263374000044');
  await expect(input).toBeFocused();
  await expect(input).toHaveValue('');

  // A choice made in the open list (a change without any arrow key before it) hands the focus to the number field.
  await sessionSelect.selectOption('SKD-3');
  await expect(input).toBeFocused();
  await expect(facts).toContainText('Ruang CAT 3');
});

/** Whether the whole value of the number field is selected, so the next scan replaces it. */
async function wholeValueSelected(page: import('@playwright/test').Page): Promise<boolean> {
  return page.getByLabel('Nomor peserta').evaluate((el: HTMLInputElement) => el.selectionStart === 0 && el.selectionEnd === el.value.length);
}

test('after every answer the next scan replaces the number field instead of being appended to it', async ({ page }) => {
  await page.getByLabel('Sesi', { exact: true }).selectOption('SKD-1');
  const input = page.getByLabel('Nomor peserta');
  const result = page.getByTestId('checkin-result');
  await expect(input).toBeFocused();

  // Refused (another session's candidate): the number stays readable, selected, so a typo can be fixed or the next card scanned over it.
  await page.keyboard.type('263374000150');
  await page.keyboard.press('Enter');
  await expect(result).toHaveClass(/checkin-error/);
  await expect(result).toContainText('Tidak dicatat: 263374000150');
  await expect(input).toHaveValue('263374000150');
  await expect(input).toBeFocused();
  expect(await wholeValueSelected(page)).toBe(true);

  // The next scan replaces it: no "263374000150263374000001".
  await page.keyboard.type('263374000001');
  await expect(input).toHaveValue('263374000001');
  await page.keyboard.press('Enter');
  await expect(result).toHaveClass(/checkin-ok/);
  await expect(result).toContainText('263374000001');
  await expect(input).toHaveValue('');
  await expect(input).toBeFocused();

  // Unknown number: same.
  await page.keyboard.type('263374009999');
  await page.keyboard.press('Enter');
  await expect(result).toContainText('Tidak ada peserta bernomor 263374009999 pada ujian ini.');
  await expect(input).toHaveValue('263374009999');
  await expect(input).toBeFocused();
  expect(await wholeValueSelected(page)).toBe(true);

  // A hand-typed number can be corrected in place: End, one digit off, another on.
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('0002');
  await page.keyboard.press('Enter');
  await expect(result).toHaveClass(/checkin-ok/);
  await expect(result).toContainText('263374000002');
  await expect(input).toHaveValue('');

  // Already checked in: refused, the number is selected again; a new scan replaces it.
  await page.keyboard.type('263374000002');
  await page.keyboard.press('Enter');
  await expect(result).toContainText('sudah tercatat hadir');
  await expect(input).toHaveValue('263374000002');
  expect(await wholeValueSelected(page)).toBe(true);
  await page.keyboard.type('263374000003');
  await page.keyboard.press('Enter');
  await expect(result).toHaveClass(/checkin-ok/);
  await expect(result).toContainText('263374000003');
  await expect(page.getByTestId('attendance-count-present')).toHaveText('3');

  // Two cards in quick succession: the second is typed before the first is answered, and neither is lost or merged.
  await page.keyboard.type('263374000004');
  await page.keyboard.press('Enter');
  await page.keyboard.type('263374000005');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('attendance-count-present')).toHaveText('5');
  await expect(result).toContainText('263374000005');
  await expect(input).toHaveValue('');
});
