import { parseDate, parseGender, parseIpk, parseKategori, parseNik, parseNomorPeserta, type Kategori, type Parsed } from './fields';

export const ROSTER_COLUMNS = [
  'nomor_peserta',
  'nik',
  'nama',
  'tanggal_lahir',
  'jenis_kelamin',
  'pendidikan',
  'ipk',
  'kode_formasi',
  'kategori',
] as const;
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];

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

/** Checks one roster row. Every problem in the row is reported, not just the first. */
export function validateRow(raw: Partial<Record<RosterColumn, RawCell>>, formations: ReadonlySet<string>): { candidate?: CandidateInput; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const text = (c: RosterColumn): string | undefined => {
    const v = raw[c];
    if (v === null || v === undefined) return undefined;
    const s = v instanceof Date ? v.toISOString() : String(v).trim();
    return s === '' ? undefined : s;
  };
  const take = <T>(c: RosterColumn, parse: (s: string) => Parsed<T>, useRaw = false): T | undefined => {
    const s = text(c);
    if (s === undefined) {
      problems.push({ column: c, reason: 'missing required value' });
      return undefined;
    }
    const r = parse(useRaw ? (raw[c] as string) : s);
    if (!r.ok) {
      problems.push({ column: c, reason: r.reason });
      return undefined;
    }
    return r.value;
  };
  const nomorPeserta = take('nomor_peserta', parseNomorPeserta);
  const nik = take('nik', parseNik);
  const nama = take('nama', (s) => (s.length <= 200 ? { ok: true, value: s.replace(/\s+/g, ' ') } : { ok: false, reason: 'name longer than 200 characters' }));
  const tanggalLahir = take('tanggal_lahir', () => parseDate(raw.tanggal_lahir as string | Date | number), true);
  const jenisKelamin = take('jenis_kelamin', parseGender);
  const pendidikan = take('pendidikan', (s) => ({ ok: true, value: s }));
  const ipk = take('ipk', () => parseIpk(typeof raw.ipk === 'number' ? raw.ipk : String(raw.ipk)), true);
  const kodeFormasi = take('kode_formasi', (s) =>
    formations.has(s) ? { ok: true, value: s } : { ok: false, reason: `unknown formation "${s}"` },
  );
  const kategori = take('kategori', parseKategori);
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
