import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoPackage } from '../../src-main/core/demo/generate';
import { requireExam } from '../../src-main/core/exams/exams';
import { looksLikeSpreadsheetNumber, nikMismatch, numericCellReason } from '../../src-main/core/roster/nik';
import { parseDate, parseDateGeneral, parseGender, parseIpk, parseIpkGeneral, parseKategori, parseNik, parseNomorPeserta, type Parsed } from '../../src-main/core/roster/fields';
import { validateRow, type CandidateInput, type RawCell, type RowProblem } from '../../src-main/core/roster/row';
import { planRosterImport } from '../../src-main/core/roster/roster';
import { parseCsvText } from '../../src-main/core/roster/table-file';
import { appWithExam } from './helpers';

// The parsers as they were before their fast paths (the regex-only versions), kept here as the reference.
const KATEGORI = ['umum', 'cumlaude', 'diaspora', 'disabilitas', 'papua', 'tertinggal'];
function nikReference(raw: string): Parsed<string> {
  const s = raw.trim().replace(/\s+/g, '');
  return /^\d{16}$/.test(s) ? { ok: true, value: s } : { ok: false, reason: `NIK must be 16 digits (got ${s.length} character${s.length === 1 ? '' : 's'})` };
}
function genderReference(raw: string): Parsed<'L' | 'P'> {
  const s = raw.trim().toUpperCase();
  if (['L', 'LAKI-LAKI', 'LAKI LAKI', 'PRIA', 'M'].includes(s)) return { ok: true, value: 'L' };
  if (['P', 'PEREMPUAN', 'WANITA', 'F'].includes(s)) return { ok: true, value: 'P' };
  return { ok: false, reason: `"${raw.trim()}" is not L or P` };
}
function kategoriReference(raw: string): Parsed<string> {
  const s = raw.trim().toLowerCase();
  return KATEGORI.includes(s) ? { ok: true, value: s } : { ok: false, reason: `unknown kategori "${raw.trim()}" (expected one of ${KATEGORI.join(', ')})` };
}

/** Strings from the characters that matter to these parsers, so near misses (a wrong separator, a space) are common. */
const from = (chars: string, maxLength: number) => fc.array(fc.constantFrom(...chars.split('')), { maxLength }).map((a) => a.join(''));
const dateText = fc.oneof(
  from('0123456789/- .', 12),
  fc.tuple(fc.integer({ min: 0, max: 2200 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 33 }), fc.constantFrom('-', '/'), fc.boolean()).map(([y, m, d, sep, dmy]) => {
    const p = (n: number) => String(n).padStart(2, '0');
    return dmy ? `${p(d)}${sep}${p(m)}${sep}${String(y).padStart(4, '0')}` : `${String(y).padStart(4, '0')}-${p(m)}-${p(d)}`;
  }),
  fc.string({ maxLength: 12 }),
);

describe('roster fields: the fast paths answer exactly as the general parsers do', () => {
  it('parseDate equals its general path on random texts (and on Excel serials and dates)', () => {
    fc.assert(
      fc.property(dateText, (s) => {
        expect(parseDate(s)).toEqual(parseDateGeneral(s));
      }),
      { numRuns: 20_000 },
    );
    for (const v of [35_000, 1, new Date(Date.UTC(1995, 2, 12)), new Date(Number.NaN)]) expect(parseDate(v)).toEqual(parseDateGeneral(v));
    expect(parseDate('29/02/2024')).toEqual({ ok: true, value: '2024-02-29' });
    expect(parseDate('29-02-2023')).toEqual({ ok: false, reason: '29-02-2023 is not a real date' });
    expect(parseDate('2023/02/01')).toMatchObject({ ok: false, reason: expect.stringMatching(/is not a date/) });
  });

  it('parseIpk equals its general path on random texts and numbers', () => {
    fc.assert(
      fc.property(fc.oneof(from('0123456789,. -', 6), fc.string({ maxLength: 5 })), (s) => {
        expect(parseIpk(s)).toEqual(parseIpkGeneral(s));
      }),
      { numRuns: 20_000 },
    );
    fc.assert(fc.property(fc.double({ min: -1, max: 5, noNaN: true }), (n) => {
        expect(parseIpk(n)).toEqual(parseIpkGeneral(n));
      }));
    expect([parseIpk('3'), parseIpk('3,5'), parseIpk('3.45'), parseIpk('4,00')]).toEqual([300, 350, 345, 400].map((value) => ({ ok: true, value })));
    expect(parseIpk('4,01')).toEqual({ ok: false, reason: 'IPK 4,01 is outside 0–4' });
  });

  it('parseNik, parseGender and parseKategori equal the regex-only versions', () => {
    fc.assert(
      fc.property(fc.oneof(from('0123456789 \t', 18), fc.string({ maxLength: 17 })), (s) => {
        expect(parseNik(s)).toEqual(nikReference(s));
      }),
      { numRuns: 20_000 },
    );
    const words = fc.oneof(fc.constantFrom('L', 'P', ' l', 'p ', 'Pria', 'WANITA', 'M', 'F', 'x', '', ...KATEGORI, ' Umum', 'PAPUA ', 'veteran'), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(words, (s) => {
        expect(parseGender(s)).toEqual(genderReference(s));
        expect(parseKategori(s)).toEqual(kategoriReference(s));
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('roster import: a NIK twice in one file', () => {
  it('names the line and number that first had it, into an exam with no candidates yet and into one with some', async () => {
    const HEADER = 'nomor_peserta;nik;nama;tanggal_lahir;jenis_kelamin;pendidikan;ipk;kode_formasi;kategori';
    const row = (n: string, nik: string) => `${n};${nik};Agus Salim;12/03/1995;L;S1;3,51;F01;umum`;
    const text = [HEADER, row('263374009001', '3374011203950001'), row('263374009002', '3374011203950002'), row('263374009003', '3374011203950001'), row('263374009004', '3374011203950001')].join('\n');
    for (const pkg of [{ ...demoPackage(10), sessions: [], roster: [] }, demoPackage(10)]) {
      const app = await appWithExam(pkg);
      const db = app.workstation!.db;
      const plan = planRosterImport(db, requireExam(db, 'CPNS-SMG-2026').id, parseCsvText(text, 'r.csv'));
      expect(plan.rejected.map(({ line, column, reason }) => ({ line, column, reason }))).toEqual([
        { line: 4, column: 'nik', reason: 'this NIK is also on line 2 (nomor 263374009001)' },
        { line: 5, column: 'nik', reason: 'this NIK is also on line 2 (nomor 263374009001)' },
      ]);
      expect(plan.inserts.map((c) => c.nomorPeserta)).toEqual(['263374009001', '263374009002']);
      app.close();
    }
  });
});

/** validateRow as it was, with one helper taking each parser as an argument: the reference for the rewritten one. */
function validateRowReference(raw: Record<string, RawCell>, formations: ReadonlySet<string>): { candidate?: CandidateInput; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const cellText = (v: RawCell) => {
    if (v === null || v === undefined) return undefined;
    const s = v instanceof Date ? v.toISOString() : typeof v === 'string' ? v.trim() : String(v).trim();
    return s === '' ? undefined : s;
  };
  const field = <T>(c: string, parse: (v: string) => Parsed<T>, asIs = false): T | undefined => {
    const s = cellText(raw[c]);
    if (s === undefined) {
      problems.push({ column: c, reason: 'missing required value' });
      return undefined;
    }
    const r = asIs ? (parse as unknown as (v: RawCell) => Parsed<T>)(raw[c]) : parse(s);
    if (!r.ok) {
      problems.push({ column: c, reason: r.reason });
      return undefined;
    }
    return r.value;
  };
  // A spreadsheet's number in these two columns is refused whatever it holds (issue 19).
  const numeric = (c: 'nik' | 'nomor_peserta') =>
    cellText(raw[c]) !== undefined && (typeof raw[c] === 'number' || (c === 'nik' && typeof raw[c] === 'string' && looksLikeSpreadsheetNumber(raw[c] as string)));
  const nomorPeserta = numeric('nomor_peserta') ? void problems.push({ column: 'nomor_peserta', reason: numericCellReason('nomor_peserta') }) : field('nomor_peserta', parseNomorPeserta);
  const nik = numeric('nik') ? void problems.push({ column: 'nik', reason: numericCellReason('nik') }) : field('nik', parseNik);
  const nama = field('nama', (s): Parsed<string> => (s.length <= 200 ? { ok: true, value: s.includes('  ') ? s.replace(/\s+/g, ' ') : s } : { ok: false, reason: 'name longer than 200 characters' }));
  const tanggalLahir = field('tanggal_lahir', ((v: RawCell) => parseDate(typeof v === 'string' ? v : (v as Date | number))) as unknown as (s: string) => Parsed<string>, true);
  const jenisKelamin = field('jenis_kelamin', parseGender);
  const pendidikan = field('pendidikan', (s): Parsed<string> => ({ ok: true, value: s }));
  const ipk = field('ipk', ((v: RawCell) => parseIpk(typeof v === 'number' ? v : String(v))) as unknown as (s: string) => Parsed<number>, true);
  const kodeFormasi = field('kode_formasi', (s): Parsed<string> => ({ ok: true, value: s }));
  if (kodeFormasi !== undefined && !formations.has(kodeFormasi)) problems.push({ column: 'kode_formasi', reason: `unknown formation "${kodeFormasi}"` });
  const kategori = field('kategori', parseKategori);
  const mismatch = nik !== undefined && tanggalLahir !== undefined && jenisKelamin !== undefined ? nikMismatch(nik, tanggalLahir, jenisKelamin) : undefined;
  if (mismatch) problems.push({ column: 'nik', reason: mismatch });
  if (problems.length) return { problems };
  return { candidate: { nomorPeserta: nomorPeserta!, nik: nik!, nama: nama!, tanggalLahir: tanggalLahir!, jenisKelamin: jenisKelamin!, pendidikan: pendidikan!, ipk: ipk!, kodeFormasi: kodeFormasi!, kategori: kategori! as CandidateInput['kategori'] }, problems };
}

describe('roster rows: validateRow', () => {
  it('gives the same candidate or the same problems, in the same order, as the reference on random rows', () => {
    const formations = new Set(['F01', 'F02']);
    const value = fc.oneof(
      fc.constantFrom<RawCell>(undefined, null, '', ' ', 'P-0001', '3,37401120395E+15', '0e0', 3374011203950001, '263374000001', '3374011203950001', ' 3374 0112 0395 0001', 'Agus  Salim', '12/03/1995', '1995-03-12', '31/02/1995', 'L', 'wanita', '3,51', '4,5', 3.5, 35_000, 'S1', 'F01', 'F99', 'umum', ' PAPUA', 'veteran'),
      fc.date({ min: new Date(Date.UTC(1890, 0, 1)), max: new Date(Date.UTC(2110, 0, 1)), noInvalidDate: true }),
      fc.string({ maxLength: 8 }),
    );
    const COLUMNS = ['nomor_peserta', 'nik', 'nama', 'tanggal_lahir', 'jenis_kelamin', 'pendidikan', 'ipk', 'kode_formasi', 'kategori'];
    fc.assert(
      fc.property(fc.tuple(...COLUMNS.map(() => value)), (cells) => {
        const raw = Object.fromEntries(COLUMNS.map((c, i) => [c, cells[i]]));
        expect(validateRow(raw, formations)).toEqual(validateRowReference(raw, formations));
      }),
      { numRuns: 20_000 },
    );
  });
});
