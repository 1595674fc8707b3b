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
const parseText = (s: string): Parsed<string> => ({ ok: true, value: s });

/**
 * Checks one field: missing, or its parser's reason. Top-level and closure-free, because it runs for every
 * cell of a 100,000-row roster.
 */
function field<T>(raw: Partial<Record<RosterColumn, RawCell>>, c: RosterColumn, parse: (v: string) => Parsed<T>, problems: RowProblem[], cellAsIs = false): T | undefined {
  const s = cellText(raw[c]);
  if (s === undefined) {
    problems.push({ column: c, reason: 'missing required value' });
    return undefined;
  }
  const r = cellAsIs ? (parse as unknown as (v: RawCell) => Parsed<T>)(raw[c]) : parse(s);
  if (!r.ok) {
    problems.push({ column: c, reason: r.reason });
    return undefined;
  }
  return r.value;
}

const parseDateCell = (v: RawCell): Parsed<string> => parseDate(typeof v === 'string' ? v : (v as Date | number));
const parseIpkCell = (v: RawCell): Parsed<number> => parseIpk(typeof v === 'number' ? v : String(v));

/** Checks one roster row. Every problem in the row is reported, not just the first. */
export function validateRow(raw: Partial<Record<RosterColumn, RawCell>>, formations: ReadonlySet<string>): { candidate?: CandidateInput; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const nomorPeserta = field(raw, 'nomor_peserta', parseNomorPeserta, problems);
  const nik = field(raw, 'nik', parseNik, problems);
  const nama = field(raw, 'nama', parseName, problems);
  const tanggalLahir = field(raw, 'tanggal_lahir', parseDateCell as unknown as (s: string) => Parsed<string>, problems, true);
  const jenisKelamin = field(raw, 'jenis_kelamin', parseGender, problems);
  const pendidikan = field(raw, 'pendidikan', parseText, problems);
  const ipk = field(raw, 'ipk', parseIpkCell as unknown as (s: string) => Parsed<number>, problems, true);
  const kodeFormasi = field(raw, 'kode_formasi', parseText, problems);
  if (kodeFormasi !== undefined && !formations.has(kodeFormasi)) problems.push({ column: 'kode_formasi', reason: `unknown formation "${kodeFormasi}"` });
  const kategori = field(raw, 'kategori', parseKategori, problems);
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
