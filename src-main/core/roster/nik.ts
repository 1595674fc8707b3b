import { digitsAt } from './digits';

/**
 * What a NIK (Nomor Induk Kependudukan) says of its holder, checked against the rest of the row. A NIK is
 * PPKKCC DDMMYY SSSS: province, regency or city, and district of registration; the birth date, with 40 added to
 * the day for women; a serial number. A spreadsheet that held NIKs as numbers keeps 15 significant digits and
 * changes the rest; these checks catch what of that can still be seen in one row, and `roundedBySpreadsheet` and
 * the file-wide check in roster.ts the rest.
 */

/** Province codes of the Ministry of Home Affairs (Kemendagri), the six Papua provinces of 2022 included. */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94,
  95, 96,
]);

export interface NikBirth {
  day: number;
  month: number;
  /** the last two digits of the year */
  yy: number;
  female: boolean;
}

/** Two digits of a NIK at `i` (the NIK here is 16 digits already). */
const two = (s: string, i: number) => digitsAt(s, i, i + 2);

/** The birth date and sex digits 7–12 of a 16-digit NIK encode, or undefined when they are no date. */
export function nikBirth(nik: string): NikBirth | undefined {
  const dd = two(nik, 6);
  const month = two(nik, 8);
  const female = dd > 40;
  const day = female ? dd - 40 : dd;
  if (day < 1 || day > 31 || month < 1 || month > 12) return undefined;
  return { day, month, yy: two(nik, 10), female };
}

/**
 * Why this NIK cannot be the NIK of someone born on `isoDate` with sex `sex`, or undefined when it can. The
 * reason names digits, not the whole NIK: a reason is shown and may be kept, and the NIK is personal data.
 */
export function nikMismatch(nik: string, isoDate: string, sex: 'L' | 'P'): string | undefined {
  const province = two(nik, 0);
  if (!PROVINCES.has(province) || two(nik, 2) === 0 || two(nik, 4) === 0) {
    return `the first six digits of the NIK (${nik.slice(0, 6)}) are no region code: ${PROVINCES.has(province) ? 'regency and district are never 00' : `${nik.slice(0, 2)} is no province`}`;
  }
  const birth = nikBirth(nik);
  if (!birth) return `digits 7–12 of the NIK (${nik.slice(6, 12)}) are no birth date (DDMMYY, with 40 added to the day for women)`;
  const { day, month, yy, female } = birth;
  // isoDate is YYYY-MM-DD: its digits at 2, 5 and 8.
  if (day !== two(isoDate, 8) || month !== two(isoDate, 5) || yy !== two(isoDate, 2)) {
    return `digits 7–12 of the NIK (${nik.slice(6, 12)}) say born ${said(day, month, yy, female)}, but tanggal_lahir is ${isoDate}: one of the two is wrong`;
  }
  if (female !== (sex === 'P')) return `digits 7–12 of the NIK (${nik.slice(6, 12)}) say ${said(day, month, yy, female)}, but jenis_kelamin is ${sex}: one of the two is wrong`;
  return undefined;
}

const said = (day: number, month: number, yy: number, female: boolean) => `${pad(day)}-${pad(month)}-${pad(yy)}, ${female ? 'P' : 'L'}`;

const pad = (n: number) => String(n).padStart(2, '0');

/** Whether `given` is what a spreadsheet makes of the NIK `stored` by keeping 15 significant digits. */
export function roundedBySpreadsheet(stored: string, given: string): boolean {
  return stored !== given && fifteenDigits(stored) === given;
}

/** A 16-digit number as a spreadsheet keeps it: 15 significant digits, the 16th a zero. */
function fifteenDigits(digits: string): string {
  // Below 2^53, so the rounded number is exact as a double.
  return BigInt(Number(Number(digits).toPrecision(15))).toString();
}

/**
 * A NIK cell that a spreadsheet turned into a number and wrote back as text: scientific notation
 * ("3,37405600391043E+15") or a decimal point or comma. Such a value has lost digits and cannot be repaired.
 */
export function looksLikeSpreadsheetNumber(text: string): boolean {
  // A 16-digit number in scientific notation has the exponent 15.
  return /^\d([.,]\d+)?[eE]\+?15$/.test(text.trim()) || /^\d{15,16}[.,]0*$/.test(text.trim());
}

/** The refusal of a NIK or nomor_peserta cell that is a number (an XLSX numeric cell, or one written back as such). */
export function numericCellReason(column: 'nik' | 'nomor_peserta'): string {
  return column === 'nik'
    ? 'NIK must be stored as text; a spreadsheet turned it into a number and may have changed its last digits — format the column as Text and re-enter the NIKs'
    : 'nomor_peserta must be stored as text; a spreadsheet turned it into a number and may have dropped leading zeros or changed its last digits — format the column as Text and re-enter the numbers';
}
