import { parseDate, parseGender, parseIpk, parseKategori, parseNik, parseNomorPeserta, type Kategori, type Parsed } from './fields';

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

function checked<T>(r: Parsed<T>, column: RosterColumn, problems: RowProblem[]): T | undefined {
  if (r.ok) return r.value;
  problems.push({ column, reason: r.reason });
  return undefined;
}

const parseDateCell = (v: RawCell): Parsed<string> => parseDate(typeof v === 'string' ? v : (v as Date | number));
const parseIpkCell = (v: RawCell): Parsed<number> => parseIpk(typeof v === 'number' ? v : String(v));

/**
 * Checks one roster row. Every problem in the row is reported, not just the first, in column order. Each field
 * is missing or its parser's reason; the parsers are called by name, not through a shared helper taking the parser
 * as an argument, so each call can be inlined: this runs for every cell of a 100,000-row roster.
 */
export function validateRow(raw: Partial<Record<RosterColumn, RawCell>>, formations: ReadonlySet<string>): { candidate?: CandidateInput; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  let s = cellText(raw.nomor_peserta);
  const nomorPeserta = s === undefined ? missing(problems, 'nomor_peserta') : checked(parseNomorPeserta(s), 'nomor_peserta', problems);
  s = cellText(raw.nik);
  const nik = s === undefined ? missing(problems, 'nik') : checked(parseNik(s), 'nik', problems);
  s = cellText(raw.nama);
  const nama = s === undefined ? missing(problems, 'nama') : checked(parseName(s), 'nama', problems);
  // Dates and IPKs are parsed from the cell as it is: an XLSX cell may be a Date or a number.
  const tanggalLahir = cellText(raw.tanggal_lahir) === undefined ? missing(problems, 'tanggal_lahir') : checked(parseDateCell(raw.tanggal_lahir), 'tanggal_lahir', problems);
  s = cellText(raw.jenis_kelamin);
  const jenisKelamin = s === undefined ? missing(problems, 'jenis_kelamin') : checked(parseGender(s), 'jenis_kelamin', problems);
  const pendidikan = cellText(raw.pendidikan) ?? missing(problems, 'pendidikan');
  const ipk = cellText(raw.ipk) === undefined ? missing(problems, 'ipk') : checked(parseIpkCell(raw.ipk), 'ipk', problems);
  const kodeFormasi = cellText(raw.kode_formasi) ?? missing(problems, 'kode_formasi');
  if (kodeFormasi !== undefined && !formations.has(kodeFormasi)) problems.push({ column: 'kode_formasi', reason: `unknown formation "${kodeFormasi}"` });
  s = cellText(raw.kategori);
  const kategori = s === undefined ? missing(problems, 'kategori') : checked(parseKategori(s), 'kategori', problems);
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
