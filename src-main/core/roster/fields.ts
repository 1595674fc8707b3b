/**
 * Parsing of roster values as Indonesian spreadsheets write them: decimal comma or point, dates as
 * YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or an Excel date, stray spaces. Each parser returns a value or a reason.
 */
import { DEFAULT_READING, fullBirthYear, NUMERIC_DATE, ORDER_NAMES, type DateReading } from './date-order';
import { takesPageName } from '../publish/paths';
import { digitsAt, isDateSeparator } from './digits';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

export const KATEGORI = ['umum', 'cumlaude', 'diaspora', 'disabilitas', 'papua', 'tertinggal'] as const;
export type Kategori = (typeof KATEGORI)[number];

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isRealDate(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  // The Gregorian rule, without a Date per roster row (the same answer as Date.UTC(y, m, 0)'s day).
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (m === 2 && leap ? 29 : MONTH_DAYS[m - 1]!);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * Excel's day 1 is 1900-01-01, and it counts a 29 February 1900 that never was; a workbook in the 1904 date system
 * (older Mac Excel) counts from 1904-01-01, 1462 days later.
 */
export function excelSerialToIso(serial: number, date1904 = false): string {
  const ms = (date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30)) + Math.round(serial) * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The ten-character dates a roster nearly always holds (YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY), read without a regex
 * and its match array: a 100,000-row import reads one per row. Only a real date is answered here; anything else
 * (and every other shape) goes to `parseDate`'s general path, which decides it and words the reason.
 */
function tenCharDate(s: string): Parsed<string> | undefined {
  if (s.length !== 10) return undefined;
  // A real date's year is four digits without a leading zero and its month and day here are two digits each, so
  // the answer is the text's own digits: "1996-05-14" as it is, "14/05/1996" rearranged.
  if (s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
    const [y, mo, d] = [digitsAt(s, 0, 4), digitsAt(s, 5, 7), digitsAt(s, 8, 10)];
    return y >= 0 && mo >= 0 && d >= 0 && isRealDate(y, mo, d) ? ok(s) : undefined;
  }
  if (isDateSeparator(s.charCodeAt(2)) && isDateSeparator(s.charCodeAt(5))) {
    const [d, mo, y] = [digitsAt(s, 0, 2), digitsAt(s, 3, 5), digitsAt(s, 6, 10)];
    return y >= 0 && mo >= 0 && d >= 0 && isRealDate(y, mo, d) ? ok(`${s.slice(6, 10)}-${s.slice(3, 5)}-${s.slice(0, 2)}`) : undefined;
  }
  return undefined;
}

/**
 * A birth date as the file writes it, read the way the whole file was found to write its dates (`reading`,
 * core/roster/date-order.ts): day or month first, two-digit years, the workbook's date system.
 */
export function parseDate(raw: string | Date | number, reading: DateReading = DEFAULT_READING): Parsed<string> {
  if (typeof raw === 'string' && reading.order === 'dmy') {
    const fast = tenCharDate(raw.trim());
    if (fast) return fast;
  }
  return parseDateGeneral(raw, reading);
}

/** `parseDate` without the fast path: the reference it is tested against (tests/unit/roster-fields-fast.test.ts). */
export function parseDateGeneral(raw: string | Date | number, reading: DateReading = DEFAULT_READING): Parsed<string> {
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return bad('not a date');
    return ok(`${raw.getUTCFullYear()}-${pad(raw.getUTCMonth() + 1)}-${pad(raw.getUTCDate())}`);
  }
  if (typeof raw === 'number') {
    // Excel's serials run from 1 (1900-01-01) to 2958465 (9999-12-31); anything else in a date column is no date.
    if (!(raw >= 1 && raw < 2_958_466)) return bad(`${raw} is not a date (expected a date cell or DD/MM/YYYY)`);
    return parseDateGeneral(excelSerialToIso(raw, reading.date1904));
  }
  const s = raw.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  let y: number, mo: number, d: number;
  // D/M/Y or M/D/Y: read in the file's order, which a refusal then names
  let numeric = false;
  if (m) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = NUMERIC_DATE.exec(s))) {
    numeric = true;
    [d, mo] = reading.order === 'dmy' ? [Number(m[1]), Number(m[2])] : [Number(m[2]), Number(m[1])];
    if (m[3]!.length === 2) {
      const full = fullBirthYear(Number(m[3]), reading.pivotYear);
      if (full === undefined) {
        return bad(`${s}: the two-digit year ${m[3]} gives no applicant's age in ${reading.pivotYear} either as 19${m[3]} or 20${m[3]}; save the file with four-digit years (format the column as DD/MM/YYYY)`);
      }
      y = full;
    } else y = Number(m[3]);
  } else if (/^\d{4,5}$/.test(s)) {
    return parseDateGeneral(excelSerialToIso(Number(s), reading.date1904)); // an Excel date cell exported as its serial number
  } else {
    return bad(`"${s}" is not a date (expected YYYY-MM-DD, ${reading.order === 'dmy' ? 'DD/MM/YYYY or DD-MM-YYYY' : 'MM/DD/YYYY, as the rest of this file'})`);
  }
  if (!isRealDate(y, mo, d)) return bad(`${s} is not a real date${reading.order === 'mdy' && numeric ? ` (read as ${ORDER_NAMES.mdy}, the order of this file)` : ''}`);
  return ok(`${y}-${pad(mo)}-${pad(d)}`);
}

/** IPK 0–4 with at most two decimals, kept exactly as hundredths (3,45 → 345). */
export function parseIpk(raw: string | number): Parsed<number> {
  // The usual cell, "3,45", "3.4" or "3", read by hand; anything else (or over 4) goes the general way below.
  if (typeof raw === 'string' && (raw.length === 1 || raw.length === 3 || raw.length === 4)) {
    const units = digitsAt(raw, 0, 1);
    const point = raw.length === 1 ? 46 : raw.charCodeAt(1);
    const decimals = raw.length === 1 ? 0 : digitsAt(raw, 2, raw.length);
    if (units >= 0 && decimals >= 0 && (point === 44 || point === 46)) {
      const hundredths = units * 100 + (raw.length === 3 ? decimals * 10 : decimals);
      if (hundredths <= 400) return ok(hundredths);
    }
  }
  return parseIpkGeneral(raw);
}

/** `parseIpk` without the fast path: the reference it is tested against. */
export function parseIpkGeneral(raw: string | number): Parsed<number> {
  const s = String(raw).trim().replace(',', '.');
  const m = /^(\d)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) {
    if (/^-?\d+([.,]\d+)?$/.test(String(raw).trim())) {
      return Number(s) < 0 || Number(s) > 4 ? bad(`IPK ${String(raw).trim()} is outside 0–4`) : bad('IPK has more than two decimals');
    }
    return bad(`"${String(raw).trim()}" is not a number (IPK is like 3,45 or 3.45)`);
  }
  const hundredths = Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
  if (hundredths > 400) return bad(`IPK ${String(raw).trim()} is outside 0–4`);
  return ok(hundredths);
}

export function formatIpk(hundredths: number, decimalComma = false): string {
  const s = `${Math.floor(hundredths / 100)}.${pad(hundredths % 100)}`;
  return decimalComma ? s.replace('.', ',') : s;
}

// Shared answers for the values nearly every row holds, so a large import allocates none for them.
const OK_L: Parsed<'L' | 'P'> = Object.freeze({ ok: true, value: 'L' });
const OK_P: Parsed<'L' | 'P'> = Object.freeze({ ok: true, value: 'P' });

export function parseGender(raw: string): Parsed<'L' | 'P'> {
  if (raw === 'L') return OK_L;
  if (raw === 'P') return OK_P;
  const s = raw.trim().toUpperCase();
  if (['L', 'LAKI-LAKI', 'LAKI LAKI', 'PRIA', 'M'].includes(s)) return ok('L');
  if (['P', 'PEREMPUAN', 'WANITA', 'F'].includes(s)) return ok('P');
  return bad(`"${raw.trim()}" is not L or P`);
}

const KATEGORI_OK = new Map<string, Parsed<Kategori>>(KATEGORI.map((k) => [k, Object.freeze({ ok: true, value: k })]));

export function parseKategori(raw: string): Parsed<Kategori> {
  const known = KATEGORI_OK.get(raw);
  if (known) return known;
  const s = raw.trim().toLowerCase();
  return (KATEGORI as readonly string[]).includes(s)
    ? ok(s as Kategori)
    : bad(`unknown kategori "${raw.trim()}" (expected one of ${KATEGORI.join(', ')})`);
}

export function parseNik(raw: string): Parsed<string> {
  // Sixteen digits as they are, the usual cell: no trim, no whitespace regex.
  if (raw.length === 16 && digitsAt(raw, 0, 8) >= 0 && digitsAt(raw, 8, 16) >= 0) return ok(raw);
  const s = raw.trim().replace(/\s+/g, '');
  return /^\d{16}$/.test(s) ? ok(s) : bad(`NIK must be 16 digits (got ${s.length} character${s.length === 1 ? '' : 's'})`);
}

/** A registration number: what a roster takes, and what a hub takes from a bundle (bundles/merge.ts). */
export const NOMOR_PESERTA = /^[A-Za-z0-9][A-Za-z0-9.-]{3,39}$/;

/** Two registration numbers of one exam that a disk ignoring letter case would take for one (publish/paths.ts foldCase). */
export function caseClash(nomor: string, other: string): string {
  return `nomor_peserta ${nomor} differs from ${other} only in letter case: on the published site the two would share one page`;
}

export function parseNomorPeserta(raw: string): Parsed<string> {
  const s = raw.trim();
  if (!NOMOR_PESERTA.test(s)) return bad(`"${s}" is not a registration number (4–40 letters, digits, dot or dash)`);
  return takesPageName(s) ? bad(`"${s}" cannot be a registration number: the published site names its list of candidates so`) : ok(s);
}

/** NIK shown to anyone but the coordinator: first 6 (region) and last 2 digits. */
export function maskNik(nik: string): string {
  return nik.length === 16 ? `${nik.slice(0, 6)}********${nik.slice(14)}` : '****************';
}
