import { parseDate, parseGender, parseIpk, parseKategori, parseNik, parseNomorPeserta, type Kategori, type Parsed } from './fields';
import { DEFAULT_READING, type DateReading } from './date-order';
import { looksLikeSpreadsheetNumber, nikMismatch, numericCellReason } from './nik';

// The column list is shared with the renderer's rejected-rows report (shared/rules.ts).
import { ROSTER_COLUMNS, type RosterColumn } from '../../shared/rules';
export { ROSTER_COLUMNS, type RosterColumn };

export interface CandidateInput {
  nomorPeserta: string;
  nik: string;
  nama: string;
  tanggalLahir: string;
  jenisKelamin: 'L' | 'P';
  pendidikan: string;
  /** hundredths: 3,45 → 345 */
  ipk: number;
  kodeFormasi: string;
  kategori: Kategori;
}

export interface RowProblem {
  column: RosterColumn | string;
  reason: string;
}

export type RawCell = string | number | Date | null | undefined;

function cellText(v: RawCell): string | undefined {
  if (v === null || v === undefined) return undefined;
  const s = v instanceof Date ? v.toISOString() : typeof v === 'string' ? v.trim() : String(v).trim();
  return s === '' ? undefined : s;
}

const parseName = (s: string): Parsed<string> =>
  s.length <= 200 ? { ok: true, value: s.includes('  ') ? s.replace(/\s+/g, ' ') : s } : { ok: false, reason: 'name longer than 200 characters' };

function missing(problems: RowProblem[], column: RosterColumn): undefined {
  problems.push({ column, reason: 'missing required value' });
  return undefined;
}

function refused(problems: RowProblem[], column: RosterColumn, reason: string): undefined {
  problems.push({ column, reason });
  return undefined;
}

function checked<T>(r: Parsed<T>, column: RosterColumn, problems: RowProblem[]): T | undefined {
  if (r.ok) return r.value;
  problems.push({ column, reason: r.reason });
  return undefined;
}

const parseDateCell = (v: RawCell, reading: DateReading): Parsed<string> => parseDate(typeof v === 'string' ? v : (v as Date | number), reading);

/**
 * A NIK or nomor_peserta that a spreadsheet held as a number: an XLSX numeric cell, or text it wrote back in
 * scientific notation. Its last digits (or leading zeros) may be gone, so it is refused, never converted.
 */
const spreadsheetNumber = (v: RawCell, column: 'nik' | 'nomor_peserta'): boolean =>
  typeof v === 'number' || (column === 'nik' && typeof v === 'string' && looksLikeSpreadsheetNumber(v));
const parseIpkCell = (v: RawCell): Parsed<number> => parseIpk(typeof v === 'number' ? v : String(v));

/**
 * Checks one roster row. Every problem in the row is reported, not just the first, in column order. Each field
 * is missing or its parser's reason; the parsers are called by name, not through a shared helper taking the parser
 * as an argument, so each call can be inlined: this runs for every cell of a 100,000-row roster.
 */
export function validateRow(
  raw: Partial<Record<RosterColumn, RawCell>>,
  formations: ReadonlySet<string>,
  reading: DateReading = DEFAULT_READING,
): { candidate?: CandidateInput; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  let s = cellText(raw.nomor_peserta);
  const nomorPeserta =
    s === undefined
      ? missing(problems, 'nomor_peserta')
      : spreadsheetNumber(raw.nomor_peserta, 'nomor_peserta')
        ? refused(problems, 'nomor_peserta', numericCellReason('nomor_peserta'))
        : checked(parseNomorPeserta(s), 'nomor_peserta', problems);
  s = cellText(raw.nik);
  // A NIK of 16 digits is never one written back in scientific notation: only a refused one is looked at again.
  const nikParsed = s === undefined || typeof raw.nik === 'number' ? undefined : parseNik(s);
  const nik =
    s === undefined
      ? missing(problems, 'nik')
      : !nikParsed || (!nikParsed.ok && spreadsheetNumber(raw.nik, 'nik'))
        ? refused(problems, 'nik', numericCellReason('nik'))
        : checked(nikParsed, 'nik', problems);
  s = cellText(raw.nama);
  const nama = s === undefined ? missing(problems, 'nama') : checked(parseName(s), 'nama', problems);
  // Dates and IPKs are parsed from the cell as it is: an XLSX cell may be a Date or a number.
  const tanggalLahir = cellText(raw.tanggal_lahir) === undefined ? missing(problems, 'tanggal_lahir') : checked(parseDateCell(raw.tanggal_lahir, reading), 'tanggal_lahir', problems);
  s = cellText(raw.jenis_kelamin);
  const jenisKelamin = s === undefined ? missing(problems, 'jenis_kelamin') : checked(parseGender(s), 'jenis_kelamin', problems);
  const pendidikan = cellText(raw.pendidikan) ?? missing(problems, 'pendidikan');
  const ipk = cellText(raw.ipk) === undefined ? missing(problems, 'ipk') : checked(parseIpkCell(raw.ipk), 'ipk', problems);
  const kodeFormasi = cellText(raw.kode_formasi) ?? missing(problems, 'kode_formasi');
  if (kodeFormasi !== undefined && !formations.has(kodeFormasi)) problems.push({ column: 'kode_formasi', reason: `unknown formation "${kodeFormasi}"` });
  s = cellText(raw.kategori);
  const kategori = s === undefined ? missing(problems, 'kategori') : checked(parseKategori(s), 'kategori', problems);
  // The NIK carries the birth date and sex: a NIK that disagrees with them is a mistyped or spreadsheet-changed NIK,
  // or a wrong date or sex (a date read in the wrong order among them).
  if (nik !== undefined && tanggalLahir !== undefined && jenisKelamin !== undefined) {
    const mismatch = nikMismatch(nik, tanggalLahir, jenisKelamin);
    if (mismatch) problems.push({ column: 'nik', reason: mismatch });
  }
  if (problems.length) return { problems };
  return {
    candidate: {
      nomorPeserta: nomorPeserta!,
      nik: nik!,
      nama: nama!,
      tanggalLahir: tanggalLahir!,
      jenisKelamin: jenisKelamin!,
      pendidikan: pendidikan!,
      ipk: ipk!,
      kodeFormasi: kodeFormasi!,
      kategori: kategori!,
    },
    problems,
  };
}
