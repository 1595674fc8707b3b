/**
 * Parsing of roster values as Indonesian spreadsheets write them: decimal comma or point, dates as
 * YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or an Excel date, stray spaces. Each parser returns a value or a reason.
 */
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

/** Excel's day 1 is 1900-01-01, and it counts a 29 February 1900 that never was. */
export function excelSerialToIso(serial: number): string {
  const ms = Date.UTC(1899, 11, 30) + Math.round(serial) * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

export function parseDate(raw: string | Date | number): Parsed<string> {
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return bad('not a date');
    return ok(`${raw.getUTCFullYear()}-${pad(raw.getUTCMonth() + 1)}-${pad(raw.getUTCDate())}`);
  }
  if (typeof raw === 'number') return parseDate(excelSerialToIso(raw));
  const s = raw.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  let y: number, mo: number, d: number;
  if (m) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec(s))) {
    [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if (/^\d{4,5}$/.test(s)) {
    return parseDate(excelSerialToIso(Number(s))); // an Excel date cell exported as its serial number
  } else {
    return bad(`"${s}" is not a date (expected YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY)`);
  }
  if (!isRealDate(y, mo, d)) return bad(`${s} is not a real date`);
  return ok(`${y}-${pad(mo)}-${pad(d)}`);
}

/** IPK 0–4 with at most two decimals, kept exactly as hundredths (3,45 → 345). */
export function parseIpk(raw: string | number): Parsed<number> {
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

export function parseGender(raw: string): Parsed<'L' | 'P'> {
  const s = raw.trim().toUpperCase();
  if (['L', 'LAKI-LAKI', 'LAKI LAKI', 'PRIA', 'M'].includes(s)) return ok('L');
  if (['P', 'PEREMPUAN', 'WANITA', 'F'].includes(s)) return ok('P');
  return bad(`"${raw.trim()}" is not L or P`);
}

export function parseKategori(raw: string): Parsed<Kategori> {
  const s = raw.trim().toLowerCase();
  return (KATEGORI as readonly string[]).includes(s)
    ? ok(s as Kategori)
    : bad(`unknown kategori "${raw.trim()}" (expected one of ${KATEGORI.join(', ')})`);
}

export function parseNik(raw: string): Parsed<string> {
  const s = raw.trim().replace(/\s+/g, '');
  return /^\d{16}$/.test(s) ? ok(s) : bad(`NIK must be 16 digits (got ${s.length} character${s.length === 1 ? '' : 's'})`);
}

export function parseNomorPeserta(raw: string): Parsed<string> {
  const s = raw.trim();
  return /^[A-Za-z0-9][A-Za-z0-9.-]{3,39}$/.test(s) ? ok(s) : bad(`"${s}" is not a registration number (4–40 letters, digits, dot or dash)`);
}

/** NIK shown to anyone but the coordinator: first 6 (region) and last 2 digits. */
export function maskNik(nik: string): string {
  return nik.length === 16 ? `${nik.slice(0, 6)}********${nik.slice(14)}` : '****************';
}
